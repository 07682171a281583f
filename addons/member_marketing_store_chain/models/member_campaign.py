from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.member_marketing.models.member_segment_engine import PURCHASE_FILTER


class MemberCampaign(models.Model):
    _inherit = "member.campaign"

    audience_store_ids = fields.Many2many(
        "chain.store",
        "member_campaign_audience_store_rel",
        string="Audience Stores",
        help="Only members whose store is one of these (home store, else store of the last "
        "purchase).",
    )
    audience_region_ids = fields.Many2many(
        "chain.region",
        "member_campaign_audience_region_rel",
        string="Audience Regions",
        help="Only members whose store lies in one of these regions or their sub-regions.",
    )

    @api.model
    def _get_member_store_sql(self, partner_column):
        """SQL of a member's store: the home store when the store_chain_member_loyalty bridge
        provides one (``res.partner.member_home_store_id``), else the store of the member's
        last purchase (``pos_order.chain_store_id``)."""
        last_purchase = SQL(
            """(SELECT o.chain_store_id FROM pos_order o
                 WHERE o.partner_id = %s AND o.chain_store_id IS NOT NULL AND %s
                 ORDER BY o.date_order DESC, o.id DESC LIMIT 1)""",
            partner_column,
            PURCHASE_FILTER,
        )
        if "member_home_store_id" in self.env["res.partner"]._fields:
            return SQL(
                "COALESCE((SELECT hp.member_home_store_id FROM res_partner hp WHERE hp.id = %s),"
                " %s)",
                partner_column,
                last_purchase,
            )
        return last_purchase

    def _get_audience_stores(self):
        """The stores of the audience filter: chosen stores plus the stores of the chosen
        regions and their sub-regions."""
        self.ensure_one()
        stores = self.audience_store_ids
        if self.audience_region_ids:
            stores |= (
                self.env["chain.store"]
                .sudo()
                .with_context(active_test=False)
                .search([("region_id", "child_of", self.audience_region_ids.ids)])
            )
        return stores

    def _get_audience_condition(self):
        condition = super()._get_audience_condition()
        if not (self.audience_store_ids or self.audience_region_ids):
            return condition
        stores = self._get_audience_stores()
        return SQL(
            "%s AND %s = ANY(%s)",
            condition,
            self._get_member_store_sql(SQL("t.partner_id")),
            stores.ids,
        )

    def _enqueue(self, now=None):
        """Record on each new send the member's store and its region (reporting, quiet
        hours in the store's time zone), in one UPDATE."""
        now = now or fields.Datetime.now()
        total = super()._enqueue(now=now)
        if total:
            self.env.cr.execute(
                SQL(
                    """
                UPDATE member_campaign_send s
                   SET chain_store_id = st.id, chain_region_id = st.region_id
                  FROM (SELECT n.id, %(store)s AS store_id
                          FROM member_campaign_send n
                         WHERE n.campaign_id IN %(campaigns)s AND n.date_queued = %(now)s
                           AND n.chain_store_id IS NULL) m
                  JOIN chain_store st ON st.id = m.store_id
                 WHERE s.id = m.id
                """,
                    store=self._get_member_store_sql(SQL("n.partner_id")),
                    campaigns=tuple(self.ids),
                    now=now,
                )
            )
            self.env["member.campaign.send"].invalidate_model(["chain_store_id", "chain_region_id"])
        return total

    def _is_quiet(self, now):
        """Quiet hours are checked per send in the time zone of the member's store (see
        ``member.campaign.send._get_claim_condition``), not per campaign."""
        return False

    def action_view_store_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "member_marketing_store_chain.member_campaign_send_action_by_store"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        return action
