from odoo import api, fields, models
from odoo.exceptions import ValidationError

# settings whose 0 is a choice (no expiry, no earning): Odoo's settings store
# a 0 as no value, which would bring the default back
ZERO_IS_A_VALUE = ("member_expiry_months", "member_points_per_unit")


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    member_points_per_unit = fields.Float(
        string="Points per Currency Unit",
        config_parameter="member_loyalty.points_per_unit",
        default=1.0,
    )
    member_redeem_points = fields.Integer(
        string="Points Redeemed",
        config_parameter="member_loyalty.redeem_points",
        default=1000,
    )
    member_redeem_amount = fields.Float(
        string="Are Worth",
        config_parameter="member_loyalty.redeem_amount",
        default=40.0,
    )
    member_expiry_months = fields.Integer(
        string="Points Expire After (months)",
        config_parameter="member_loyalty.expiry_months",
        default=12,
        help="Points expire at the end of the month this many months after they were earned; "
        "0 means they never expire.",
    )
    member_spend_order = fields.Selection(
        [("proportional", "Principal and bonus proportionally"), ("principal", "Principal first")],
        string="Stored Value Spending",
        config_parameter="member_loyalty.spend_order",
        default="proportional",
    )
    member_hold_minutes = fields.Integer(
        string="Till Authorisations Expire After (minutes)",
        config_parameter="member_loyalty.hold_minutes",
        default=30,
        help="Stored value or points authorised at a till whose order never reaches the server "
        "are given back after this many minutes (checked every 5 minutes).",
    )
    member_topup_journal_id = fields.Many2one(
        related="company_id.member_topup_journal_id", readonly=False
    )
    member_deposit_account_id = fields.Many2one(
        related="company_id.member_deposit_account_id", readonly=False
    )
    member_bonus_booking = fields.Selection(
        related="company_id.member_bonus_booking", readonly=False
    )
    member_bonus_account_id = fields.Many2one(
        related="company_id.member_bonus_account_id", readonly=False
    )
    member_external_spend_account_id = fields.Many2one(
        related="company_id.member_external_spend_account_id", readonly=False
    )
    member_adjustment_account_id = fields.Many2one(
        related="company_id.member_adjustment_account_id", readonly=False
    )

    @api.constrains("member_hold_minutes")
    def _check_member_hold_minutes(self):
        if any(settings.member_hold_minutes < 1 for settings in self):
            raise ValidationError(
                self.env._("Till authorisations must be kept at least one minute.")
            )

    def set_values(self):
        res = super().set_values()
        icp = self.env["ir.config_parameter"].sudo()
        for fname in ZERO_IS_A_VALUE:
            if not self[fname]:
                icp.set_param(self._fields[fname].config_parameter, "0")
        return res
