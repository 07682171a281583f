from odoo import api, models


class MemberTierHistory(models.Model):
    _inherit = "member.tier.history"

    @api.model_create_multi
    def create(self, vals_list):
        changes = super().create(vals_list)
        Notice = self.env["member.notice"]
        # upgrades only: a downgrade at the review is no news to congratulate on
        for change in changes.filtered(lambda c: c.reason == "upgrade"):
            Notice._notify_loyalty_event(
                "tier_changed",
                change.partner_id,
                f"member.tier.history:{change.id}",
                {"tier": change.new_tier_id.with_context(lang=change.partner_id.lang).name},
            )
        return changes
