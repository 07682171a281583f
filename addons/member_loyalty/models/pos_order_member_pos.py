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
    member_points_redeemed = fields.Integer(
        string="Points Redeemed", compute="_compute_member_receipt"
    )
    member_wallet_principal_spent = fields.Monetary(
        string="Stored Value Spent (Paid)", compute="_compute_member_receipt"
    )
    member_wallet_bonus_spent = fields.Monetary(
        string="Stored Value Spent (Bonus)", compute="_compute_member_receipt"
    )
    member_points_reversed = fields.Integer(
        string="Points Taken Back", compute="_compute_member_receipt"
    )
    member_points_returned = fields.Integer(
        string="Points Returned", compute="_compute_member_receipt"
    )
    member_wallet_refunded = fields.Monetary(
        string="Stored Value Refunded", compute="_compute_member_receipt"
    )
    member_topup_amount = fields.Monetary(string="Topped Up", compute="_compute_member_receipt")
    member_topup_bonus_amount = fields.Monetary(
        string="Top-up Bonus", compute="_compute_member_receipt"
    )
    member_topup_bonus_points = fields.Integer(
        string="Top-up Bonus Points", compute="_compute_member_receipt"
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
        # sudo: read-only figures of the ledgers booked for these orders (one query per ledger)
        points = {
            (order.id, kind): total
            for order, kind, total in self.env["member.points.move"]
            .sudo()
            ._read_group(
                [("pos_order_id", "in", self.ids)], ["pos_order_id", "kind"], ["points:sum"]
            )
        }
        taken_back = dict(
            self.env["member.points.move"]
            .sudo()
            ._read_group(
                [("pos_order_id", "in", self.ids), ("kind", "=", "refund"), ("points", "<", 0)],
                ["pos_order_id"],
                ["points:sum"],
            )
        )
        wallet = {
            (order.id, kind): (principal, bonus)
            for order, kind, principal, bonus in self.env["member.wallet.move"]
            .sudo()
            ._read_group(
                [("pos_order_id", "in", self.ids)],
                ["pos_order_id", "kind"],
                ["amount_principal:sum", "amount_bonus:sum"],
            )
        }
        for order in self:
            member = order.sudo()._member_get_partner()
            is_member = bool(member.member_number)
            # a sale's given-back authorisations (refund rows) are not spent
            back = (0.0, 0.0) if order.refunded_order_id else wallet.get((order.id, "refund"))
            spend = wallet.get((order.id, "spend"), (0.0, 0.0))
            spent = [s + b for s, b in zip(spend, back or (0.0, 0.0), strict=True)]
            points_back = 0 if order.refunded_order_id else points.get((order.id, "refund"), 0)
            order.member_receipt_number = member.member_number or False
            order.member_tier_name = member.member_tier_id.name if is_member else False
            order.member_points_earned = points.get((order.id, "earn"), 0)
            order.member_points_redeemed = -points.get((order.id, "redeem"), 0) - points_back
            order.member_points_after = member.member_points if is_member else 0
            order.member_wallet_after = member.member_wallet if is_member else 0.0
            order.member_wallet_principal_spent = -spent[0]
            order.member_wallet_bonus_spent = -spent[1]
            is_refund = bool(order.refunded_order_id)
            refund_points = points.get((order.id, "refund"), 0) if is_refund else 0
            order.member_points_reversed = -taken_back.get(order, 0) if is_refund else 0
            order.member_points_returned = refund_points - taken_back.get(order, 0)
            order.member_wallet_refunded = (
                sum(wallet.get((order.id, "refund"), (0.0, 0.0))) if is_refund else 0.0
            )
            order.member_topup_amount = wallet.get((order.id, "topup"), (0.0, 0.0))[0]
            order.member_topup_bonus_amount = wallet.get((order.id, "bonus"), (0.0, 0.0))[1]
            order.member_topup_bonus_points = points.get((order.id, "bonus"), 0)

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
