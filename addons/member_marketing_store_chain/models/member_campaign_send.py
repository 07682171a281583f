import pytz

from odoo import api, fields, models
from odoo.tools import SQL


class MemberCampaignSend(models.Model):
    _inherit = "member.campaign.send"

    chain_store_id = fields.Many2one(
        "chain.store",
        string="Store",
        readonly=True,
        index="btree_not_null",
        help="The member's store when the send was queued (home store, else store of the "
        "last purchase).",
    )
    chain_region_id = fields.Many2one(
        "chain.region", string="Region", readonly=True, help="Region of the store."
    )

    @api.model
    def _get_store_timezones(self):
        """{store id: time zone}: the store address's time zone, else its company's, else the
        chain default."""
        engine = self.env["member.segment.engine"]
        self.env["chain.store"].flush_model(["partner_id", "company_id"])
        self.env["res.partner"].flush_model(["tz"])
        self.env.cr.execute(
            """SELECT st.id, p.tz, st.company_id
                 FROM chain_store st LEFT JOIN res_partner p ON p.id = st.partner_id"""
        )
        company_tz = {}
        result = {}
        for store_id, timezone, company_id in self.env.cr.fetchall():
            if timezone not in pytz.all_timezones_set:
                if company_id not in company_tz:
                    company = self.env["res.company"].browse(company_id)
                    company_tz[company_id] = engine._get_timezone(company)
                timezone = company_tz[company_id]
            result[store_id] = timezone
        return result

    @api.model
    def _get_claim_condition(self, now):
        """Quiet hours in the time zone of the member's store (of the campaign's company for
        members without a store): such sends stay queued until the store's morning."""
        condition = super()._get_claim_condition(now)
        Campaign = self.env["member.campaign"]
        quiet_stores = [
            store_id
            for store_id, timezone in self._get_store_timezones().items()
            if Campaign._is_quiet_hour(now, timezone)
        ]
        campaigns = Campaign.search([("state", "=", "running"), ("respect_quiet_hours", "=", True)])
        quiet_campaigns = campaigns.filtered(
            lambda c: Campaign._is_quiet_hour(now, c._get_timezone())
        ).ids
        return SQL(
            """%s AND NOT (c.respect_quiet_hours AND CASE
                    WHEN s.chain_store_id IS NULL THEN s.campaign_id = ANY(%s)
                    ELSE s.chain_store_id = ANY(%s) END)""",
            condition,
            quiet_campaigns,
            quiet_stores,
        )
