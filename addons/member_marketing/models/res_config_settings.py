from odoo import fields, models

from odoo.addons.base.models.res_partner import _tz_get

from ..models.member_segment_engine import DEFAULT_TIMEZONE

# settings whose 0 is a choice (no cap, quiet from or until midnight): Odoo's settings store
# a 0 as no value, which would bring the default back
ZERO_IS_A_VALUE = (
    "member_marketing_frequency_cap_count",
    "member_marketing_quiet_hour_start",
    "member_marketing_quiet_hour_end",
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    member_marketing_rfm_window_days = fields.Integer(
        string="RFM Window (days)",
        config_parameter="member_marketing.rfm_window_days",
        default=365,
    )
    member_marketing_churn_min_purchases = fields.Integer(
        string="Purchases for Own Interval",
        config_parameter="member_marketing.churn_min_purchases",
        default=3,
        help="Below this number of purchase days the chain default interval is used.",
    )
    member_marketing_churn_default_interval = fields.Integer(
        string="Chain Default Interval (days)",
        config_parameter="member_marketing.churn_default_interval",
        default=30,
    )
    member_marketing_frequency_cap_count = fields.Integer(
        string="Frequency Cap (messages)",
        config_parameter="member_marketing.frequency_cap_count",
        default=2,
    )
    member_marketing_frequency_cap_days = fields.Integer(
        string="Frequency Cap Period (days)",
        config_parameter="member_marketing.frequency_cap_days",
        default=7,
    )
    member_marketing_quiet_hour_start = fields.Float(
        string="Quiet Hours From",
        config_parameter="member_marketing.quiet_hour_start",
        default=21.0,
    )
    member_marketing_quiet_hour_end = fields.Float(
        string="Quiet Hours Until",
        config_parameter="member_marketing.quiet_hour_end",
        default=9.0,
    )
    member_marketing_timezone = fields.Selection(
        _tz_get,
        string="Default Time Zone",
        config_parameter="member_marketing.timezone",
        default=DEFAULT_TIMEZONE,
        help="Time zone of quiet hours and purchase days when the company has none.",
    )
    member_marketing_sms_gateway_url = fields.Char(
        string="SMS Gateway URL",
        config_parameter="member_marketing.sms_gateway_url",
        help="Send SMS through the chain's own HTTP provider (empty: Odoo IAP).",
    )
    member_marketing_sms_gateway_template = fields.Char(
        string="Provider Template ID", config_parameter="member_marketing.sms_gateway_template"
    )
    member_marketing_sms_gateway_signature = fields.Char(
        string="SMS Signature", config_parameter="member_marketing.sms_gateway_signature"
    )
    member_marketing_sms_gateway_token = fields.Char(
        string="Gateway API Key", config_parameter="member_marketing.sms_gateway_token"
    )

    def set_values(self):
        res = super().set_values()
        icp = self.env["ir.config_parameter"].sudo()
        for fname in ZERO_IS_A_VALUE:
            if not self[fname]:
                icp.set_param(self._fields[fname].config_parameter, "0")
        return res
