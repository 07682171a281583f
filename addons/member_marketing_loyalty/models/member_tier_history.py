from odoo import api, fields, models


class MemberTierHistory(models.Model):
    _inherit = "member.tier.history"

    @api.model_create_multi
    def create(self, vals_list):
        """An upgrade is told at once (at the purchase or top-up that earns it; an upgrade
        granted by the periodic review is told at once too, whatever the hour); a downgrade
        (at the review) by the cron *Tier Lowered Notices*, run at once and keeping the quiet
        hours. An enrolment has the card-opened notice; a manual change is staff's, who tell
        the member themselves."""
        changes = super().create(vals_list)
        Notice = self.env["member.notice"]
        for change in changes.filtered(lambda c: c.reason == "upgrade"):
            Notice._notify_loyalty_event(
                "tier_changed",
                change.partner_id,
                change._get_notice_reference(),
                change._get_notice_values(),
            )
        if any(change.reason == "downgrade" for change in changes):
            Notice._run_again_at(
                "member_marketing_loyalty.ir_cron_notice_tier_lowered", fields.Datetime.now()
            )
        return changes

    def _get_notice_reference(self):
        self.ensure_one()
        return f"member.tier.history:{self.id}"

    def _get_notice_values(self):
        self.ensure_one()
        return {"tier": self.new_tier_id.with_context(lang=self.partner_id.lang).name}
