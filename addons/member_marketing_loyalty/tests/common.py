from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase

from odoo.addons.member_loyalty.tests.common import MemberLoyaltyCommon


class MarketingLoyaltyCase(MemberLoyaltyCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls._setup_member_config()
        # no frequency cap and no quiet hours in these tests: they test triggers and actions
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param("member_marketing.frequency_cap_count", 0)
        cls.sms_template = cls.env["sms.template"].create(
            {
                "name": "Loyalty test",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "body": "{{ object.name }}: {{ object.member_tier_id.name }}, "
                "{{ object.member_points }} points, {{ object.member_wallet }} stored value",
            }
        )
        cls.phones = iter(range(10, 99))

    @classmethod
    def _contact(cls, name, **vals):
        return cls._new_member(
            name, f"138 0013 80{next(cls.phones)}", consent_sms=True, lang="en_US", **vals
        )

    def _campaign(self, **vals):
        campaign = self.env["member.campaign"].create(
            {
                "name": "Loyalty campaign",
                "trigger_type": "broadcast",
                "channel": "sms",
                "sms_template_id": self.sms_template.id,
                "control_percent": 0,
                "respect_quiet_hours": False,
                **vals,
            }
        )
        campaign.action_start()
        campaign.date_start = fields.Datetime.now() - timedelta(hours=1)
        return campaign

    def _sends(self, campaign):
        return self.env["member.campaign.send"].search([("campaign_id", "=", campaign.id)])
