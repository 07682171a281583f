from odoo import models
from odoo.tools import SQL


class MemberMarketingKpi(models.Model):
    _inherit = "member.marketing.kpi"

    def _kpi_member_condition(self):
        # a member holds a member card (number), as everywhere in member_loyalty: a customer
        # merely identified on the order is no member (neither their sales nor as a buyer).
        # The view is created again when this module is installed (init of the model and of
        # its descendants, e.g. the figures by store), and without this rule on uninstall.
        if self.env.context.get("member_marketing_kpi_any_customer"):
            return super()._kpi_member_condition()
        return SQL(
            "EXISTS (SELECT 1 FROM res_partner mp"
            " WHERE mp.id = o.partner_id AND mp.member_number IS NOT NULL)"
        )
