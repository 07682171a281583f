from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

EXPIRY_WINDOW_DAYS = 30


class ResPartner(models.Model):
    """RPCs of the point of sale: find, snapshot and enrol members at the till."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _load_pos_data_fields(self, config_id):
        # only identity and tier: balances come from member_pos_info (fresh, per member)
        return [*super()._load_pos_data_fields(config_id), "member_number", "member_tier_id"]

    @api.model
    def _member_pos_config(self, config_id):
        config = self.env["pos.config"].browse(config_id if isinstance(config_id, int) else [])
        if isinstance(config_id, bool) or not config.exists():
            raise ValidationError(self.env._("Unknown point of sale %s.", config_id))
        return config

    @api.model
    def _member_mask_phone(self, phone):
        if not phone:
            return False
        return phone[:-8] + "****" + phone[-4:] if len(phone) > 8 else phone

    @api.model
    def member_pos_find(self, query, config_id):
        """Up to 10 members for a till search: member number, phone (any format) or barcode."""
        self._member_check_rights()
        config = self._member_pos_config(config_id)
        if not isinstance(query, str) or not query.strip():
            raise ValidationError(self.env._("Give a member number or phone to search."))
        members = self.with_company(config.company_id)._member_lookup(query.strip(), limit=10)
        return [
            {
                "id": member.id,
                "member_number": member.member_number,
                "name": member.name,
                "phone_masked": self._member_mask_phone(member.member_phone),
                "tier_id": member.member_tier_id.id,
                "tier": member.member_tier_id.name or False,
            }
            for member in members
        ]

    def member_pos_info(self, config_id):
        """Snapshot of one member for the till: balances, expiring points, earning rules."""
        self.ensure_one()
        self._member_check_rights()
        config = self._member_pos_config(config_id)
        if not self.member_number:
            raise ValidationError(self.env._("%s is not a member.", self.display_name))
        member = self.with_company(config.company_id).sudo()  # rights checked above
        today = member._member_today()
        lots = (
            self.env["member.points.lot"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "=", member.id),
                    ("points_remaining", ">", 0),
                    ("expiry_date", "<=", today + timedelta(days=EXPIRY_WINDOW_DAYS)),
                ],
                [],
                ["points_remaining:sum", "expiry_date:min"],
            )
        )
        expiring, expiring_date = lots[0] if lots else (0, False)
        balance = member.member_balance_id
        return {
            "id": member.id,
            "member_number": member.member_number,
            "name": member.name,
            "tier_id": member.member_tier_id.id,
            "tier": member.member_tier_id.name or False,
            "points": member.member_points,
            "principal": member.member_principal,
            "bonus": member.member_bonus,
            "balance": member.member_wallet,
            "expiring_points": expiring or 0,
            "expiring_date": fields.Date.to_string(expiring_date) if expiring_date else False,
            "earn_multiplier": self.env["pos.order"]._member_multiplier(
                member, today, config, config.company_id
            ),
            "points_per_unit": member._member_param("points_per_unit", 1.0),
            "currency_ok": not balance or balance.currency_id == config.currency_id,
        }

    @api.model
    def member_pos_enroll(self, vals, config_id):
        """Enrol a customer at the till; one transaction, so a refusal creates nothing."""
        self._member_check_rights()
        config = self._member_pos_config(config_id)
        partner_model = self.with_company(config.company_id)
        create_vals = partner_model._member_prepare_enrol(vals)
        # sudo: cashiers may enrol (rights checked above) without general contact-creation
        # rights; only the checked enrolment values are written
        partner = partner_model.sudo().create(create_vals)
        partner._member_enrol(config=config, company=config.company_id)
        return partner.with_env(self.env).member_pos_info(config.id)

    def member_pos_topup_preview(self, amount, config_id):
        """What a top-up of ``amount`` at this till gives (the rules of the POS company)."""
        self.ensure_one()
        self._member_check_rights()
        config = self._member_pos_config(config_id)
        if not self.member_number:
            raise ValidationError(self.env._("%s is not a member.", self.display_name))
        member = self.with_company(config.company_id).sudo()  # rights checked above
        amount = member._member_check_amount(amount)
        currency = member.member_balance_id.currency_id or config.currency_id
        rule = member.env["member.topup.rule"]._get_rule(
            amount, member.member_tier_id, config.company_id
        )
        bonus, bonus_points = rule._get_bonus(amount, currency)
        return {
            "amount": amount,
            "bonus_amount": bonus,
            "bonus_points": bonus_points,
            "rule": rule.name or False,
            "balance_after": currency.round(member.member_wallet + amount + bonus),
        }
