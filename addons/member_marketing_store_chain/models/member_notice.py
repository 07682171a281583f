from odoo import api, models
from odoo.tools import SQL


class MemberNotice(models.Model):
    _inherit = "member.notice"

    @api.model
    def _get_member_timezones(self, partners):
        """The time zone of each member's store (home store, else store of the last purchase;
        see ``member.campaign._get_member_store_sql``), as for campaign sends; the chain's for
        members without a store."""
        timezones = super()._get_member_timezones(partners)
        if not partners:
            return timezones
        store_timezones = self.env["member.campaign.send"]._get_store_timezones()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT p.id, %s FROM res_partner p WHERE p.id = ANY(%s)",
                self.env["member.campaign"]._get_member_store_sql(SQL("p.id")),
                partners.ids,
            )
        )
        for partner_id, store_id in self.env.cr.fetchall():
            if store_id:
                timezones[partner_id] = store_timezones[store_id]
        return timezones
