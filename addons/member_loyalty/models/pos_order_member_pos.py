from odoo import api, fields, models
from odoo.tools.sql import create_index


class PosOrder(models.Model):
    """What the till sees of the member booking: guarded input, server-computed receipt fields.

    The receipt fields are non-stored computes: the POS never serialises them back, and
    ``read_pos_data`` returns them in the ``sync_from_ui`` answer, so the receipt shows what the
    server booked without an extra RPC.
    """

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    member_receipt_number = fields.Char(
        string="Receipt Member Number", compute="_compute_member_receipt"
    )
    member_tier_name = fields.Char(string="Receipt Member Tier", compute="_compute_member_receipt")
    member_points_earned = fields.Integer(string="Points Earned", compute="_compute_member_receipt")
    member_points_after = fields.Integer(string="Points Balance", compute="_compute_member_receipt")
    member_wallet_after = fields.Monetary(
        string="Stored Value Balance", compute="_compute_member_receipt"
    )

    def init(self):
        res = super().init()
        # partner preload of a till: its recent orders (see pos.config.get_limited_partners_loading)
        create_index(
            self.env.cr,
            "pos_order_member_config_date_idx",
            self._table,
            ["config_id", "date_order"],
            where="partner_id IS NOT NULL",
        )
        return res

    def _compute_member_receipt(self):
        # sudo: read-only figures of the ledgers booked for these orders
        earned = dict(
            self.env["member.points.move"]
            .sudo()
            ._read_group(
                [("pos_order_id", "in", self.ids), ("kind", "=", "earn")],
                ["pos_order_id"],
                ["points:sum"],
            )
        )
        for order in self:
            member = order.sudo()._member_get_partner()
            is_member = bool(member.member_number)
            order.member_receipt_number = member.member_number or False
            order.member_tier_name = member.member_tier_id.name if is_member else False
            order.member_points_earned = earned.get(order, 0)
            order.member_points_after = member.member_points if is_member else 0
            order.member_wallet_after = member.member_wallet if is_member else 0.0

    @api.model
    def _process_order(self, order, existing_order):
        # the client must never set ledger links or server-computed member figures
        self._member_strip_client_keys(order)
        for field in ("lines", "payment_ids"):
            for command in order.get(field) or []:
                if len(command) > 2 and isinstance(command[2], dict):
                    self._member_strip_client_keys(command[2])
        return super()._process_order(order, existing_order)

    @api.model
    def _member_strip_client_keys(self, vals):
        for key in [key for key in vals if key.startswith("member_")]:
            vals.pop(key)
        return vals
