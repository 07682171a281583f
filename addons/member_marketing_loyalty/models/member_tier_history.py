from odoo import api, models

# notice of each automatic tier change (an enrolment has the card-opened notice; a manual
# change is staff's, who tell the member themselves)
TIER_NOTICES = {"upgrade": "tier_changed", "downgrade": "tier_lowered"}


class MemberTierHistory(models.Model):
    _inherit = "member.tier.history"

    @api.model_create_multi
    def create(self, vals_list):
        changes = super().create(vals_list)
        Notice = self.env["member.notice"]
        for change in changes.filtered(lambda c: c.reason in TIER_NOTICES):
            Notice._notify_loyalty_event(
                TIER_NOTICES[change.reason],
                change.partner_id,
                f"member.tier.history:{change.id}",
                {"tier": change.new_tier_id.with_context(lang=change.partner_id.lang).name},
            )
        return changes
