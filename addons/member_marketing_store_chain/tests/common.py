from datetime import datetime, timedelta

from odoo.tests import TransactionCase
from odoo.tools import SQL

NOW = datetime(2026, 6, 15, 4, 0)  # 12:00 in Asia/Shanghai, 00:00 in New York


class StoreMarketingCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.cr.execute("UPDATE pos_order SET state = 'cancel' WHERE state != 'cancel'")
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("member_marketing.frequency_cap_count", 0)
        icp.set_param("member_marketing.quiet_hour_start", 21.0)
        icp.set_param("member_marketing.quiet_hour_end", 9.0)
        Region = cls.env["chain.region"]
        cls.hq = Region.create({"name": "Test HQ", "code": "MMSC-HQ"})
        cls.east = Region.create({"name": "Test East", "code": "MMSC-E", "parent_id": cls.hq.id})
        cls.shanghai = Region.create(
            {"name": "Test Shanghai", "code": "MMSC-SH", "parent_id": cls.east.id}
        )
        cls.west = Region.create({"name": "Test West", "code": "MMSC-W", "parent_id": cls.hq.id})
        Store = cls.env["chain.store"]
        cls.store_sh = Store.create(
            {"name": "Test Xujiahui", "code": "MMSC-SH1", "region_id": cls.shanghai.id}
        )
        cls.store_ny = Store.create(
            {
                "name": "Test New York",
                "code": "MMSC-NY1",
                "region_id": cls.west.id,
                "partner_id": cls.env["res.partner"]
                .create({"name": "New York store", "tz": "America/New_York"})
                .id,
            }
        )
        cls.session = cls.env["pos.session"].search([], limit=1)
        cls.sms_template = cls.env["sms.template"].create(
            {
                "name": "Store test",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "body": "Hello {{ object.name }}",
            }
        )
        cls.phones = iter(range(10, 99))

    @classmethod
    def _buyer(cls, name, purchases):
        """A consenting member with paid POS orders: ``purchases`` = [(store, days ago, amount)]."""
        partner = cls.env["res.partner"].create(
            {"name": name, "consent_sms": True, "phone": f"+86138001381{next(cls.phones)}"}
        )
        rows = [
            SQL(
                "(%s, %s, %s, 0, %s, %s, 0, %s, %s, 'paid', %s)",
                cls.session.company_id.id,
                cls.session.id,
                f"MMSC-TEST/{partner.id}/{index}",
                amount,
                amount,
                partner.id,
                NOW - timedelta(days=days),
                store.id,
            )
            for index, (store, days, amount) in enumerate(purchases)
        ]
        cls.env.cr.execute(
            SQL(
                """INSERT INTO pos_order (company_id, session_id, name, amount_tax, amount_total,
                       amount_paid, amount_return, partner_id, date_order, state, chain_store_id)
                   VALUES %s""",
                SQL(", ").join(rows),
            )
        )
        return partner

    def _campaign(self, **vals):
        campaign = self.env["member.campaign"].create(
            {
                "name": "Store campaign",
                "trigger_type": "broadcast",
                "channel": "sms",
                "sms_template_id": self.sms_template.id,
                "control_percent": 0,
                **vals,
            }
        )
        campaign.action_start()
        return campaign

    def _sends(self, campaign):
        return self.env["member.campaign.send"].search([("campaign_id", "=", campaign.id)])
