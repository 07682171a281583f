from odoo import api, models


class MemberMarketingDemo(models.AbstractModel):
    _inherit = "member.marketing.demo"

    @api.model
    def _demo_members(self, count, rng):
        """The demo members hold a member card: with member_loyalty only card holders are
        members in the monthly figures. Enrolled without the card-opened notice (no news to
        them)."""
        partners = super()._demo_members(count, rng)
        partners.with_context(member_marketing_no_notice=True)._member_enrol()
        return partners
