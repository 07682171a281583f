import math

from odoo import api, fields, models


class SaleOrder(models.Model):
    """Member points on sale orders: earned once when the order is confirmed (key on the
    order and its confirmation), taken back when it is cancelled or credited."""

    _inherit = "sale.order"

    member_points_move_ids = fields.One2many(
        "member.points.move",
        "sale_order_id",
        string="Member Points Movements",
        readonly=True,
        groups="member_loyalty.group_member_user",
    )
    member_points_earned = fields.Integer(
        compute="_compute_member_points_earned",
        string="Member Points",
        help="Points this order earned its member, net of cancellations and credit notes.",
    )

    @api.depends("member_points_move_ids.points")
    def _compute_member_points_earned(self):
        for order in self:
            order.member_points_earned = sum(order.sudo().member_points_move_ids.mapped("points"))

    def _member_get_member(self):
        """The member earning on this order: the customer, else its company, if a member."""
        self.ensure_one()
        for partner in (self.partner_id, self.partner_id.commercial_partner_id):
            if partner.member_number:
                return partner.sudo()
        return self.env["res.partner"]

    def _member_eligible_amount(self, lines):
        """Amount (taxes included) of the ``lines`` whose product earns points."""
        return sum(
            line.price_total
            for line in lines
            if not line.display_type
            and not line.is_downpayment
            and line.product_id
            and line.product_id.product_tmpl_id._member_earns_points()
        )

    def _member_points_to_earn(self, member):
        eligible = self._member_eligible_amount(self.order_line)
        if self.currency_id.compare_amounts(eligible, 0.0) <= 0:
            return 0
        date = self.env["res.partner"].with_company(self.company_id)._member_today(self.date_order)
        multiplier = self.env["pos.order"]._member_multiplier(
            member, date, self.env["pos.config"], self.company_id
        )
        per_unit = member._member_param("points_per_unit", 1.0)
        return max(0, math.floor(round(eligible * per_unit * multiplier, 6)))

    def _member_round(self):
        """How many times this order was cancelled: each confirmation earns under its own key."""
        return len(self.sudo().member_points_move_ids.filtered(lambda m: m.kind == "refund"))

    def _member_earn(self):
        for order in self:
            member = order._member_get_member()
            if not member or order.state != "sale":
                continue
            points = order._member_points_to_earn(member)
            if points <= 0:
                continue
            member = member.with_company(order.company_id)
            key = f"sale.order:{order.id}:earn:{order._member_round()}"

            def earn(balance, member=member, order=order, points=points, key=key):
                move = member._member_points_credit(
                    balance,
                    points,
                    key,
                    "earn",
                    origin=order.name,
                    extra={"sale_order_id": order.id},
                )
                move.result = member._member_state(balance)
                member._member_update_tier()
                return move.result

            member._member_operation(key, earn)

    def _member_take_back(self, points, key, credit_note=None):
        """Debit ``points`` of this order's earning (never more than the member still has:
        points already spent stay spent)."""
        self.ensure_one()
        member = self.sudo().member_points_move_ids.partner_id[:1].with_company(self.company_id)
        if not member or points <= 0:
            return

        def take_back(balance):
            taken = min(points, balance.points)
            if not taken:
                return {"points": 0}
            move = member._member_points_debit(
                balance,
                taken,
                key,
                "refund",
                origin=credit_note.name if credit_note else self.name,
                extra={
                    "sale_order_id": self.id,
                    "credit_note_id": credit_note.id if credit_note else False,
                },
            )
            move.result = member._member_state(balance)
            return move.result

        member._member_operation(key, take_back)

    def _action_confirm(self):
        result = super()._action_confirm()
        self._member_earn()
        return result

    def _action_cancel(self):
        for order in self:
            left = order.member_points_earned
            if left > 0:
                order._member_take_back(
                    left, f"sale.order:{order.id}:cancel:{order._member_round()}"
                )
        return super()._action_cancel()
