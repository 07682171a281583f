from odoo import models
from odoo.tools import format_amount


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _member_enrol(self, config=None, company=None):
        new_members = self.filtered(lambda p: not p.member_number)
        res = super()._member_enrol(config=config, company=company)
        opened = new_members.filtered("member_number")
        if opened:
            self.env["member.notice"]._notify_loyalty_event("card_opened", opened, "card-opened")
        return res

    def _member_topup_apply(self, balance, amount, key, payment_ref=None, **origin):
        # the top-up notice says it all: no separate notice for its bonus points
        member = self.with_context(member_marketing_no_points_notice=True)
        result = super(ResPartner, member)._member_topup_apply(
            balance, amount, key, payment_ref=payment_ref, **origin
        )
        # amounts as the member reads them: currency symbol, their language's separators
        currency = balance.currency_id
        self.env["member.notice"]._notify_loyalty_event(
            "top_up",
            self,
            f"topup:{key}",
            {
                "amount": format_amount(self.env, amount, currency, lang_code=self.lang),
                "balance": format_amount(
                    self.env, result.get("balance") or 0.0, currency, lang_code=self.lang
                ),
            },
        )
        return result
