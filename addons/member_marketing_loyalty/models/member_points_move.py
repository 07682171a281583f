from odoo import api, models


class MemberPointsMove(models.Model):
    _inherit = "member.points.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        if self.env.context.get("member_marketing_no_points_notice"):
            return moves
        Notice = self.env["member.notice"]
        for move in moves:
            Notice._notify_loyalty_event(
                "points_changed",
                move.partner_id,
                f"member.points.move:{move.id}",
                {"points_delta": move.points, "points": move.points_after},
            )
        return moves
