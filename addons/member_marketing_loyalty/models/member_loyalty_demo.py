from odoo import models


class MemberLoyaltyDemo(models.AbstractModel):
    _inherit = "member.loyalty.demo"

    def _demo_generate(self, members=200, seed=42):
        """A year of generated history is no news to the demo members: no notices."""
        demo = self.with_context(member_marketing_no_notice=True)
        return super(MemberLoyaltyDemo, demo)._demo_generate(members=members, seed=seed)
