import math

from odoo import api, fields, models
from odoo.exceptions import UserError


class PosOrder(models.Model):
    """Server-side settlement of member orders when they are paid/synced.

    Runs in the transaction of ``sync_from_ui``: member payments are captured, points earned (or
    reversed for refunds), each with a key derived from the order/payment uuid, so a replayed or
    concurrent sync of the same order changes nothing.
    """

    _inherit = "pos.order"

    member_points_move_ids = fields.One2many(
        "member.points.move", "pos_order_id", string="Member Points Movements"
    )
    member_wallet_move_ids = fields.One2many(
        "member.wallet.move", "pos_order_id", string="Member Stored Value Movements"
    )

    def _process_saved_order(self, draft):
        order_id = super()._process_saved_order(draft)
        if not draft and self.state in ("paid", "done", "invoiced"):
            self._member_settle()
        return order_id

    def _member_get_partner(self):
        """The member of the order; a refund always books against the original buyer."""
        self.ensure_one()
        origin = self.refunded_order_id
        if not origin:
            return self.partner_id
        buyer = origin.partner_id
        if len(buyer) > 1 and any(buyer.mapped("member_number")):
            raise UserError(
                self.env._("Refund the orders of different members in separate refunds.")
            )
        if self.partner_id.member_number and self.partner_id != buyer:
            raise UserError(
                self.env._(
                    "This refund is for member %(buyer)s's order; it cannot be booked to "
                    "%(member)s. Set the original customer on the refund.",
                    buyer=buyer.display_name or self.env._("(no customer)"),
                    member=self.partner_id.display_name,
                )
            )
        return buyer

    def _member_settle(self):
        # sudo: settlement is computed here from the order itself, not from client-sent amounts
        for order in self.sudo():
            member = order._member_get_partner()
            if not member.member_number:
                order._member_release_other_holds(member)
                continue
            order._member_topup_lines(member)
            issues = order._member_refund_settle(member) if order.refunded_order_id else []
            issues += order._member_capture_payments(member)
            issues += order._member_capture_redemptions(member)
            # authorisations the till no longer uses (line or payment removed) go back now
            order.member_hold_ids.filtered(lambda h: h.state == "authorised")._release("unused")
            if issues:
                order.member_sync_issue = "\n".join(issues)
            if order.refunded_order_id:
                order._member_reverse_earning(member)
            else:
                order._member_earn(member)
            member._member_update_tier()

    def _member_release_other_holds(self, customer):
        """A paid order without a member customer: the authorisations made on it (for the
        member first selected) go back to their members, with a sync issue."""
        holds = self.member_hold_ids.filtered(lambda h: h.state == "authorised")
        issues = [hold._refuse_other_member(hold._lock_member(), customer) for hold in holds]
        if issues:
            self.member_sync_issue = "\n".join(issues)

    # ------------------------------------------------------------------ payments

    def _member_refundable(self):
        """Per member payment kind: what the refunded order(s) paid with it, minus the member
        payments already given back by other refunds of them. Stored value counts what the
        ledger really took (a payment whose authorisation was not captured took nothing)."""
        origin = self.refunded_order_id
        earlier = (origin.lines.refund_orderline_ids.order_id - self).filtered(
            lambda o: o.state in ("paid", "done", "invoiced")
        )
        refundable = {"wallet": sum(order._member_wallet_paid_net() for order in origin)}
        for payment in (origin | earlier).payment_ids.filtered(
            "payment_method_id.member_payment_kind"
        ):
            kind = payment.payment_method_id.member_payment_kind
            if kind == "wallet" and payment.pos_order_id in origin:
                continue
            refundable[kind] = refundable.get(kind, 0.0) + payment.amount
        return refundable

    def _member_capture_payments(self, member):
        """Debit (or, on refunds, credit back) payments made with member payment methods.

        A negative member payment is only accepted on a refund, up to what the refunded order
        paid with that kind of member payment and was not refunded yet.
        """
        refundable = None
        issues = []
        for payment in self.payment_ids.filtered("payment_method_id.member_payment_kind"):
            key = f"pos.payment:{payment.uuid or payment.id}"
            amount = self.currency_id.round(payment.amount)
            if self.currency_id.is_zero(amount):
                continue
            hold = self.env["member.hold"].search([("key", "=", key)]) if amount > 0 else None
            if hold:
                # authorised at the till: capture (never replay a debit that was given back)
                issues.append(hold._capture(self, amount))
                continue
            if amount < 0:
                if refundable is None:
                    refundable = self._member_refundable() if self.refunded_order_id else {}
                kind = payment.payment_method_id.member_payment_kind
                left = self.currency_id.round(refundable.get(kind, 0.0))
                if self.currency_id.compare_amounts(-amount, left) > 0:
                    raise UserError(
                        self.env._(
                            "%(method)s can give back at most %(left)s on this order: a member "
                            "payment is only refunded on a refund of an order paid with it.",
                            method=payment.payment_method_id.name,
                            left=max(left, 0.0),
                        )
                    )
                refundable[kind] = left + amount
            if payment.payment_method_id.member_payment_kind == "wallet":
                member._member_operation(
                    key,
                    lambda balance, a=amount, k=key: self._member_capture_wallet(
                        member, balance, a, k
                    ),
                    kinds={"spend", "refund"},
                )
            else:
                member._member_operation(
                    key,
                    lambda balance, a=amount, k=key: self._member_capture_points(
                        member, balance, a, k
                    ),
                    kinds={"redeem", "refund"},
                )
        return [issue for issue in issues if issue]

    def _member_topup_lines(self, member):
        """Credit the top-up lines sold (principal = the line's amount, bonus per the rules)."""
        topup = self.config_id.member_topup_product_id
        if not topup or self.refunded_order_id:
            return
        for line in self.lines.filtered(lambda line: line.product_id == topup and line.qty > 0):
            amount = self.currency_id.round(line.price_subtotal_incl)
            if self.currency_id.compare_amounts(amount, 0.0) <= 0:
                continue
            key = f"pos.order.line:{line.uuid or line.id}:topup"
            member._member_operation(
                key,
                # the sale of the line books the money (Cr deposits): no second entry
                lambda balance, a=amount, k=key: member._member_topup_apply(
                    balance, a, k, payment_ref=self.name, book_payment=False, order=self
                ),
                kinds={"topup"},
            )

    def _member_capture_redemptions(self, member):
        """Capture the points authorised for redemption lines (keyed by the line uuid)."""
        lines = self.lines.filtered("uuid")
        if not lines or self.refunded_order_id:
            return []
        holds = self.env["member.hold"].search(
            [("key", "in", [f"pos.order.line:{line.uuid}:redeem" for line in lines])]
        )
        issues = []
        for hold in holds:
            line = lines.filtered(lambda line, uuid=hold.ref_uuid: line.uuid == uuid)[:1]
            issues.append(hold._capture(self, hold.points))
            # points not taken (another member's authorisation, not taken again) pay nothing
            line.member_redeem_points = hold.points if hold.state == "captured" else 0
        return [issue for issue in issues if issue]

    def _member_capture_wallet(self, member, balance, amount, key):
        if amount > 0:
            principal, bonus = member._member_wallet_split(balance, amount)
            move = member._member_wallet_move(balance, -principal, -bonus, key, "spend", order=self)
        else:
            principal, bonus = self._member_refund_split(-amount)
            move = member._member_wallet_move(balance, principal, bonus, key, "refund", order=self)
        move.result = member._member_state(balance)
        return move.result

    def _member_refund_split(self, amount):
        """Split a stored-value refund like the spending of the refunded order."""
        # the sale's spends net of its given-back authorisations (refund rows of a sale)
        spent = self.refunded_order_id.member_wallet_move_ids.filtered(
            lambda m: m.kind in ("spend", "refund")
        )
        total = -sum(spent.mapped("amount"))
        if not spent or self.currency_id.is_zero(total):
            return amount, 0.0
        bonus = min(
            self.currency_id.round(amount * -sum(spent.mapped("amount_bonus")) / total), amount
        )
        return self.currency_id.round(amount - bonus), bonus

    def _member_capture_points(self, member, balance, amount, key):
        points = member._member_points_for_amount(abs(amount))
        if amount > 0:
            move = member._member_points_debit(balance, points, key, "redeem", order=self)
        else:
            move = member._member_points_credit(balance, points, key, "refund", order=self)
            self.env["member.hold"]._keep_expiry(move, self._member_points_paid_expiry())
        move.result = member._member_state(balance)
        return move.result

    def _member_points_paid_expiry(self):
        """Earliest expiry of the lots the refunded order's points payments took."""
        dates = [
            move.lots_expiry_date
            for move in self.refunded_order_id.member_points_move_ids
            if move.kind == "redeem"
            and move.idempotency_key.startswith("pos.payment:")
            and move.lots_expiry_date
        ]
        return min(dates, default=None)

    # ------------------------------------------------------------------ earning

    def _member_get_multiplier(self, member):
        date = self.env["res.partner"].with_company(self.company_id)._member_today(self.date_order)
        return self._member_multiplier(member, date, self.config_id, self.company_id)

    @api.model
    def _member_multiplier(self, member, date, config, company):
        """Tier x birthday x promotion multiplier: shared by the till estimate and the booking."""
        multiplier = member.member_tier_id.points_multiplier if member.member_tier_id else 1.0
        birthday = member.birthday
        if birthday and (birthday.month, birthday.day) == (date.month, date.day):
            multiplier *= member.member_tier_id.birthday_multiplier or 1.0
        promotion = self.env["member.earn.promotion"]._get_multiplier(date, config, company)
        return multiplier * promotion

    @api.model
    def _member_eligible_amount(self, lines):
        """Amount (taxes included, signed) of the ``lines`` whose product earns points."""
        return sum(
            line.price_subtotal_incl
            for line in lines
            if line.product_id.product_tmpl_id._member_earns_points()
        )

    def _member_points_to_earn(self, member):
        """Points for the paid amount of eligible lines, member payments excluded."""
        currency = self.currency_id
        if currency.compare_amounts(self.amount_total, 0.0) <= 0:
            return 0
        eligible = self._member_eligible_amount(self.lines)
        member_paid = sum(
            self.payment_ids.filtered("payment_method_id.member_payment_kind").mapped("amount")
        )
        # points redeemed on the order count as member money, like member payments
        # (a redemption line whose points were not taken is still no money paid)
        redeem = self.config_id.member_redeem_product_id
        redeemed = -sum(
            line.price_subtotal_incl
            for line in self.lines
            if line.member_redeem_points or (redeem and line.product_id == redeem)
        )
        gross = self.amount_total + redeemed
        ratio = max(0.0, (self.amount_total - member_paid) / gross)
        per_unit = member._member_param("points_per_unit", 1.0)
        points = eligible * ratio * per_unit * self._member_get_multiplier(member)
        return max(0, math.floor(round(points, 6)))

    def _member_earn(self, member):
        points = self._member_points_to_earn(member)
        if points <= 0:
            return
        key = f"pos.order:{self.uuid or self.id}:earn"

        def earn(balance):
            move = member._member_points_credit(balance, points, key, "earn", order=self)
            move.result = member._member_state(balance)
            return move.result

        member._member_operation(key, earn)

    def _member_reverse_earning(self, member):
        """Take back the points of the refunded part of the original order: the refunded
        amount of lines that earn points over the original order's earning amount (lines of
        excluded products earned nothing, so refunding them takes nothing back)."""
        origin = self.refunded_order_id
        earned = sum(
            origin.member_points_move_ids.filtered(lambda m: m.kind == "earn").mapped("points")
        )
        base = self._member_eligible_amount(origin.lines)
        if not earned or self.currency_id.compare_amounts(base, 0.0) <= 0:
            return
        refunds = self.search(
            [("id", "!=", self.id), ("lines.refunded_orderline_id.order_id", "=", origin.id)]
        )
        reversed_before = -sum(
            refunds.member_points_move_ids.filtered(
                lambda m: m.kind == "refund" and m.points < 0
            ).mapped("points")
        )
        refunded = -self._member_eligible_amount(self.lines)
        share = min(1.0, max(0.0, refunded / base))
        points = min(round(earned * share), earned - reversed_before)
        if points <= 0:
            return
        key = f"pos.order:{self.uuid or self.id}:reverse"

        def reverse(balance):
            # points already spent cannot be taken back: the debit stops at the balance
            taken = min(points, balance.points)
            if not taken:
                return {"points": 0}
            move = member._member_points_debit(balance, taken, key, "refund", order=self)
            move.result = member._member_state(balance)
            return move.result

        member._member_operation(key, reverse)
