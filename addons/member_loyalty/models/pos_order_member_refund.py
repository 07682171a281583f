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
            member._member_operation(
                key,
                lambda balance, p=points, k=key: self.env["member.hold"]._credit_points(
                    member, balance, p, k, self
                ),
                kinds={"refund"},
            )
        if figures["topup"]:
            return [
                self.env._(
                    "A top-up line was refunded at the till: stored value is not taken back "
                    "here; use a cash-out in the back office."
                )
            ]
        return []
