from odoo import api, fields, models
from odoo.tools import SQL

RECENT_DAYS = 90


class PosConfig(models.Model):
    _inherit = "pos.config"

    member_hold_minutes = fields.Integer(compute="_compute_member_pos_params")
    member_redeem_points = fields.Integer(compute="_compute_member_pos_params")
    member_redeem_amount = fields.Float(compute="_compute_member_pos_params")
    member_redeem_product_id = fields.Many2one(
        "product.product", compute="_compute_member_pos_params"
    )
    member_topup_product_id = fields.Many2one(
        "product.product", compute="_compute_member_pos_params"
    )

    def _compute_member_pos_params(self):
        # loaded with the config: the till shows money values without an RPC per keystroke
        partner = self.env["res.partner"]
        redeem, topup = self._member_special_products()
        for config in self:
            config.member_hold_minutes = partner._member_param("hold_minutes", 30)
            config.member_redeem_points = partner._member_param("redeem_points", 1000)
            config.member_redeem_amount = partner._member_param("redeem_amount", 40.0)
            config.member_redeem_product_id = redeem
            config.member_topup_product_id = topup

    @api.model
    def _member_special_products(self):
        """(points redemption, top-up) products; empty if deleted."""
        Product = self.env["product.product"]
        return tuple(
            self.env.ref(f"member_loyalty.product_member_{name}", raise_if_not_found=False)
            or Product
            for name in ("redeem", "topup")
        )

    def _get_special_products(self):
        # loaded by every till, hidden from the product grid
        redeem, topup = self._member_special_products()
        return super()._get_special_products() | redeem | topup

    def get_limited_partners_loading(self):
        """Preload the recent customers of this till only.

        Stock ranks every partner of the company by order count, which grows with the member
        base (members are company-less). Members are found with an RPC instead. Only the last
        ``RECENT_DAYS`` of this till are read (index ``pos_order_member_config_date_idx``).
        """
        return self.env.execute_query(
            SQL(
                """
                SELECT partner_id
                  FROM pos_order
                 WHERE config_id = %s
                   AND partner_id IS NOT NULL
                   AND date_order >= NOW() AT TIME ZONE 'UTC' - make_interval(days => %s)
              GROUP BY partner_id
              ORDER BY MAX(date_order) DESC
                 LIMIT %s
                """,
                self.id,
                RECENT_DAYS,
                self._get_limited_partner_count(),
            )
        )
