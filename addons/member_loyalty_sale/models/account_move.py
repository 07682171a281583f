import math

from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        for refund in posted.filtered(lambda m: m.move_type == "out_refund"):
            refund._member_reverse_sale_points()
        return posted

    def _member_reverse_sale_points(self):
        """Take back the points earned by the credited part of each sale order: the credited
        amount of lines that earn points over the order's earning amount (lines of excluded
        products earned nothing, so crediting them takes nothing back; nor do down payments,
        which earned nothing: the order earned on its goods)."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(
            lambda line: line.sale_line_ids and not any(line.sale_line_ids.mapped("is_downpayment"))
        )
        for order in lines.sale_line_ids.order_id:
            earned = sum(
                order.sudo()
                .member_points_move_ids.filtered(lambda m: m.kind == "earn" and m.points > 0)
                .mapped("points")
            )
            left = order.member_points_earned
            base = order._member_eligible_amount(order.order_line)
            if not earned or left <= 0 or order.currency_id.is_zero(base):
                continue
            credited = sum(
                line.price_total
                for line in lines
                if line.sale_line_ids.order_id == order
                and line.product_id.product_tmpl_id._member_earns_points()
            )
            points = min(left, math.floor(round(earned * credited / base, 6)))
            order._member_take_back(
                points, f"account.move:{self.id}:sale.order:{order.id}", credit_note=self
            )
