from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.member_loyalty.tests.common import MemberLoyaltyCommon
from odoo.addons.store_chain.tests.common import ChainCommon


class ChainMemberCommon(MemberLoyaltyCommon, ChainCommon):
    """Stores A (East > Shanghai) and B (South) of store_chain's fixtures, a store user of B,
    a member enrolled at the till of store A, and a clean member configuration."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls._setup_member_config()
        cls.rule_500.active = False  # no bonus unless a test wants one
        cls.user_b = new_test_user(
            cls.env,
            login="t_store_b",
            groups="base.group_user,store_chain.group_chain_store_user",
            name="Store B cashier",
        )
        cls.user_b.chain_store_ids = cls.store_b
        cls.member = cls.env["res.partner"].browse(
            cls.env["res.partner"]
            .with_user(cls.user_a)
            .member_pos_enroll(
                {"name": "Han Meimei", "phone": "138 0013 8100", "birthday": "1990-05-04"},
                cls.config_a.id,
            )["id"]
        )
        cls.member.sudo().write({"email": "meimei@example.com", "city": "Shanghai"})

    @classmethod
    def _at(cls, store):
        """Member API calls made at ``store``'s counter."""
        return cls.member.with_context(chain_store_id=store.id)

    def _backdate(self, moves, when):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE member_wallet_move SET date = %s WHERE id IN %s", (when, tuple(moves.ids))
        )
        moves.invalidate_recordset(["date"])

    def _settle(self, date_from, date_to):
        settlement = self.env["chain.settlement"].create(
            {"date_from": date_from, "date_to": date_to}
        )
        settlement.action_compute()
        return settlement

    @staticmethod
    def _last_month():
        first = fields.Date.today().replace(day=1) - relativedelta(months=1)
        return first, first + relativedelta(months=1, days=-1)

    @staticmethod
    def _in_day(day, hours=10):
        return datetime.combine(day, time.min) + timedelta(hours=hours)
