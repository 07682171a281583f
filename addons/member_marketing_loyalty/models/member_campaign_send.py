from odoo import models


class MemberCampaignSend(models.Model):
    _inherit = "member.campaign.send"

    def _get_bonus_key(self):
        """Idempotency key of the bonus points of this send: one per (campaign, member,
        occurrence), so a re-run, a second worker or a replay never credits twice."""
        self.ensure_one()
        return f"member_marketing:{self.campaign_id.id}:{self.partner_id.id}:{self.occurrence}"

    def _credit_bonus_points(self, campaign):
        """Credit the campaign's bonus points through member_loyalty's ledger engine."""
        points = campaign.bonus_points
        # the campaign message tells the member: no separate "points changed" notice
        for send in self.with_context(member_marketing_no_notice=True):
            member = send.partner_id.sudo()
            if not member.member_number:
                continue
            member._member_points_bonus(points, send._get_bonus_key(), origin=campaign.name)

    def _run_actions(self, campaign, now):
        codes = super()._run_actions(campaign, now)
        if campaign.bonus_points > 0:
            self._credit_bonus_points(campaign)
        return codes
