from odoo import models
from odoo.tools import SQL

RECENT_DAYS = 90


class PosConfig(models.Model):
    _inherit = "pos.config"

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
