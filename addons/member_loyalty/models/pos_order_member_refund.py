from odoo import models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount

PAID_STATES = ("paid", "done", "invoiced")


class PosOrder(models.Model):
    """Member side of refunds made at the till: preview, stored value back to the card,
    redeemed points returned."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    def _member_wallet_paid_net(self):
        """Stored value this sale really spent (authorisations given back excluded)."""
        self.ensure_one()
        moves = self.member_wallet_move_ids.filtered(lambda m: m.kind in ("spend", "refund"))
        return -sum(moves.mapped("amount"))

    def _member_refund_figures(self, qty_by_line):
        """What refunding ``{line of this sale: quantity}`` gives back to the member."""
        self.ensure_one()
        currency = self.currency_id
        topup = self.config_id.member_topup_product_id
        amount = sum(
            line.price_subtotal_incl * qty / line.qty
            for line, qty in qty_by_line.items()
            if line.qty
        )
        share = min(1.0, amount / self.amount_total) if self.amount_total > 0 else 0.0
        refunds = self.lines.refund_orderline_ids.order_id.filtered(
            lambda o: o.state in PAID_STATES
        )
        wallet_methods = refunds.payment_ids.filtered(
            lambda p: p.payment_method_id.member_payment_kind == "wallet"
        )
        refundable = currency.round(
            max(0.0, self._member_wallet_paid_net() + sum(wallet_methods.mapped("amount")))
        )
        return {
            "amount": currency.round(amount),
            "wallet_refundable": refundable,
            # what stored value paid goes back to the card, never out in cash
            "wallet_to_card": min(
                refundable, currency.round(self._member_wallet_paid_net() * share)
            ),
            "points_returned": sum(
                round(line.member_redeem_points * qty / line.qty)
                for line, qty in qty_by_line.items()
                if line.member_redeem_points and line.qty
            ),
            "topup": any(line.product_id == topup for line in qty_by_line) if topup else False,
        }

    def member_pos_refund_preview(self, lines):
        """Preview for the refund screen: ``lines`` = ``{line id: quantity to refund}``."""
        self.ensure_one()
        self.env["res.partner"]._member_check_rights()
        if not isinstance(lines, dict):
            raise ValidationError(self.env._("Give the lines to refund with their quantity."))
        order = self.sudo()  # rights checked above; figures of this order only
        qty_by_line = {}
        for line_id, qty in lines.items():
            line = order.lines.filtered(lambda line, i=str(line_id): str(line.id) == i)
            if not line or isinstance(qty, bool) or not isinstance(qty, int | float) or qty <= 0:
                raise ValidationError(self.env._("Line %s is not a line of this order.", line_id))
            qty_by_line[line] = qty
        return order._member_refund_figures(qty_by_line)

    # ------------------------------------------------------------------ sync of a refund

    def _member_refund_qty(self):
        """``{line of the refunded sale: quantity}`` of this refund."""
        qty_by_line = {}
        for line in self.lines.filtered("refunded_orderline_id"):
            origin = line.refunded_orderline_id
            qty_by_line[origin] = qty_by_line.get(origin, 0.0) - line.qty
        return qty_by_line

    def _member_redemption_share(self, qty_by_line):
        """Share of the sale's goods (redemption and top-up lines excluded) that refunding
        ``{line of this sale: quantity}`` takes back, by value."""
        self.ensure_one()
        topup = self.config_id.member_topup_product_id
        goods = self.lines.filtered(
            lambda line: not line.member_redeem_points and line.product_id != topup and line.qty
        )
        total = sum(goods.mapped("price_subtotal_incl"))
        if total <= 0:
            return 0.0
        refunded = sum(
            line.price_subtotal_incl * qty / line.qty
            for line, qty in qty_by_line.items()
            if line in goods
        )
        return min(1.0, refunded / total)

    def _member_check_redemption_refunded(self):
        """Points paid part of the sale: a refund of its goods refunds its redemption lines in
        the same proportion (the till adds them), so the points' value never comes back as
        money; the points go back to the member."""
        origin = self.refunded_order_id
        qty_by_line = self._member_refund_qty()
        share = origin._member_redemption_share(qty_by_line)
        if not share:
            return
        for line in origin.lines.filtered("member_redeem_points"):
            earlier = sum(
                -refund_line.qty
                for refund_line in line.refund_orderline_ids
                if refund_line.order_id != self and refund_line.order_id.state in PAID_STATES
            )
            due = min(share * line.qty, line.qty - earlier)
            rounding = line.product_uom_id.rounding or 0.01
            if qty_by_line.get(line, 0.0) < due - rounding:
                raise UserError(
                    self.env._(
                        "Points paid part of order %(order)s (%(line)s): refund that line too, "
                        "%(qty)s of it for these goods, so that the points' value is not paid "
                        "out as money (the points go back to the member).",
                        order=origin.name,
                        line=line.full_product_name or line.product_id.display_name,
                        qty=round(due, 2),
                    )
                )

    def _member_refund_settle(self, member):
        """Refund rules checked/booked before the payments: returns sync issues."""
        origin = self.refunded_order_id
        if len(origin) != 1:
            return []
        figures = origin._member_refund_figures(self._member_refund_qty())
        back = -sum(
            self.payment_ids.filtered(
                lambda p: p.payment_method_id.member_payment_kind == "wallet"
            ).mapped("amount")
        )
        if self.currency_id.compare_amounts(back, figures["wallet_to_card"]) < 0:
            raise UserError(
                self.env._(
                    "%(amount)s of this refund was paid with stored value: it goes back to the "
                    "member's stored value (refund it with the member balance method), not in "
                    "cash.",
                    amount=format_amount(self.env, figures["wallet_to_card"], self.currency_id),
                )
            )
        self._member_check_redemption_refunded()
        for line in self.lines.filtered(
            lambda line: line.refunded_orderline_id.member_redeem_points and line.qty < 0
        ):
            origin_line = line.refunded_orderline_id
            points = round(origin_line.member_redeem_points * -line.qty / origin_line.qty)
            key = f"pos.order.line:{line.uuid or line.id}:redeem-refund"
            hold = self.env["member.hold"].search(
                [("key", "=", f"pos.order.line:{origin_line.uuid}:redeem")], limit=1
            )
            member._member_operation(
                key,
                lambda balance, p=points, k=key, h=hold: self.env["member.hold"]._credit_points(
                    member, balance, p, k, self, expiry=h._points_lots_expiry()
                ),
                kinds={"refund"},
            )
        return self._member_topup_refund(member) if figures["topup"] else []

    # ------------------------------------------------------------------ top-up refunded

    def _member_topup_refund(self, member):
        """Top-up lines refunded at the till (the money goes back in cash): take the refunded
        principal off the card and void that top-up's bonus money and bonus points, in the
        refunded share, never more than the top-up gave nor than the card holds. Returns the
        sync issues (what could not be taken back)."""
        topup = self.config_id.member_topup_product_id
        issues = []
        for line in self.lines.filtered(
            lambda line: line.refunded_orderline_id.product_id == topup and line.qty < 0
        ):
            origin_line = line.refunded_orderline_id
            if not origin_line.qty:
                continue
            share = min(1.0, -line.qty / origin_line.qty)
            key = f"pos.order.line:{line.uuid or line.id}:topup-refund"
            given, taken = self._member_topup_given(origin_line, line)
            currency = self.currency_id
            due = {
                "principal": min(currency.round(given["principal"] * share),
                                 given["principal"] - taken["principal"]),
                "bonus": min(currency.round(given["bonus"] * share),
                             given["bonus"] - taken["bonus"]),
                "points": min(round(given["points"] * share), given["points"] - taken["points"]),
            }  # fmt: skip
            done = {"taken_principal": 0.0, "taken_bonus": 0.0, "taken_points": 0}
            if currency.compare_amounts(due["principal"], 0.0) > 0 or (
                currency.compare_amounts(due["bonus"], 0.0) > 0
            ):
                done.update(
                    member._member_operation(
                        key,
                        lambda balance, d=due, k=key: self._member_topup_take_wallet(
                            member, balance, d, k
                        ),
                        kinds={"cashout"},
                    )
                )
            if due["points"] > 0:
                done.update(
                    member._member_operation(
                        f"{key}/points",
                        lambda balance, d=due, k=f"{key}/points": self._member_topup_take_points(
                            member, balance, d["points"], k
                        ),
                        kinds={"bonus"},
                    )
                )
            short = {
                "principal": max(0.0, currency.round(due["principal"] - done["taken_principal"])),
                "bonus": max(0.0, currency.round(due["bonus"] - done["taken_bonus"])),
                "points": max(0, due["points"] - done["taken_points"]),
            }
            if any(short.values()):
                issues.append(self._member_topup_short_issue(member, short))
        return issues

    def _member_topup_given(self, origin_line, line):
        """What the top-up of ``origin_line`` credited (principal, bonus money, bonus points)
        and what the refunds of it other than ``line`` already took back."""
        key = f"pos.order.line:{origin_line.uuid or origin_line.id}:topup"
        refund_keys = [
            f"pos.order.line:{other.uuid or other.id}:topup-refund"
            for other in origin_line.refund_orderline_ids - line
        ]
        wallet = self.env["member.wallet.move"].sudo()
        points = self.env["member.points.move"].sudo()
        credited = wallet.search([("idempotency_key", "in", [key, f"{key}/bonus"])])
        credited_points = points.search([("idempotency_key", "=", f"{key}/points")])
        before = wallet.search([("idempotency_key", "in", refund_keys)])
        before_points = points.search(
            [("idempotency_key", "in", [f"{k}/points" for k in refund_keys])]
        )
        given = {
            "principal": sum(credited.mapped("amount_principal")),
            "bonus": sum(credited.mapped("amount_bonus")),
            "points": sum(credited_points.mapped("points")),
        }
        taken = {
            "principal": -sum(before.mapped("amount_principal")),
            "bonus": -sum(before.mapped("amount_bonus")),
            "points": -sum(before_points.mapped("points")),
        }
        return given, taken

    def _member_topup_take_wallet(self, member, balance, due, key):
        principal = max(0.0, min(due["principal"], balance.principal))
        bonus = max(0.0, min(due["bonus"], balance.bonus))
        if balance.currency_id.is_zero(principal + bonus):
            return {"taken_principal": 0.0, "taken_bonus": 0.0}  # nothing left on the card
        note = self.env._("Top-up refunded at the till")
        move = member._member_wallet_move(
            balance, -principal, -bonus, key, "cashout", order=self, note=note
        )
        # the refund line books the principal paid back; the bonus voided is booked here
        move._post_accounting(cash=0.0, bonus=-bonus)
        move.result = {
            **member._member_state(balance),
            "taken_principal": principal,
            "taken_bonus": bonus,
        }
        return move.result

    def _member_topup_take_points(self, member, balance, points, key):
        taken = min(points, balance.points)
        if not taken:
            return {"taken_points": 0}
        move = member._member_points_debit(balance, taken, key, "bonus", order=self)
        move.result = {**member._member_state(balance), "taken_points": taken}
        return move.result

    def _member_topup_short_issue(self, member, short):
        parts = []
        if short["principal"]:
            parts.append(format_amount(self.env, short["principal"], self.currency_id))
        if short["bonus"]:
            parts.append(
                self.env._(
                    "%s of bonus money", format_amount(self.env, short["bonus"], self.currency_id)
                )
            )
        if short["points"]:
            parts.append(self.env._("%s bonus points", short["points"]))
        return self.env._(
            "A top-up was refunded at the till but %(member)s's card no longer holds all of it "
            "(already spent): %(missing)s could not be taken back.",
            member=member.display_name,
            missing=", ".join(parts),
        )
