from odoo import fields
from odoo.tests import TransactionCase

MEMBER_TABLES = (
    "member_hold",
    "member_wallet_move",
    "member_points_move",
    "member_points_lot",
    "member_tier_history",
    "member_balance",
)


def delete_committed_members(cr, partner_ids):
    """Remove members a threaded test committed (other cursors had to see them), with their
    ledgers, balances, holds and chatter."""
    for table in MEMBER_TABLES:
        cr.execute(f"DELETE FROM {table} WHERE partner_id = ANY(%s)", (list(partner_ids),))
    cr.execute(
        "DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)",
        ("res.partner", list(partner_ids)),
    )
    cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", (list(partner_ids),))


class MemberLoyaltyCommon:
    """Fixtures shared by the member tests: a clean configuration (demo rules archived)."""

    @classmethod
    def _setup_member_config(cls):
        env = cls.env
        env.user.groups_id = [(4, env.ref("member_loyalty.group_member_manager").id)]
        env["member.tier"].search([]).active = False
        env["member.topup.rule"].search([]).active = False
        env["member.earn.promotion"].search([]).active = False
        icp = env["ir.config_parameter"].sudo()
        for key, value in {
            "points_per_unit": "1",
            "redeem_points": "1000",
            "redeem_amount": "40",
            "expiry_months": "12",
            "spend_order": "proportional",
        }.items():
            icp.set_param(f"member_loyalty.{key}", value)
        Tier = env["member.tier"]
        cls.tier_basic = Tier.create({"name": "Basic", "sequence": 1, "metric": "spend"})
        cls.tier_silver = Tier.create(
            {
                "name": "Silver",
                "sequence": 2,
                "metric": "topup",
                "qualify_threshold": 1000,
                "retain_threshold": 1000,
                "points_multiplier": 1.5,
            }
        )
        cls.tier_gold = Tier.create(
            {
                "name": "Gold",
                "sequence": 3,
                "metric": "spend",
                "qualify_threshold": 5000,
                "retain_threshold": 3000,
                "points_multiplier": 2.0,
                "birthday_multiplier": 2.0,
            }
        )
        Rule = env["member.topup.rule"]
        cls.rule_500 = Rule.create({"name": "500 -> 50", "min_amount": 500, "bonus_amount": 50})
        cls.rule_1000 = Rule.create(
            {"name": "1000 -> 200 points", "min_amount": 1000, "bonus_points": 200}
        )

    @classmethod
    def _new_member(cls, name, phone, **vals):
        partner = cls.env["res.partner"].create({"name": name, "phone": phone, **vals})
        partner._member_enrol()
        return partner

    def assertLedgersConsistent(self):
        self.assertEqual(
            self.env["member.balance"]._get_drift(), [], "balances drifted from ledgers"
        )


class MemberLoyaltyCase(MemberLoyaltyCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls._setup_member_config()
        cls.member = cls._new_member("Li Lei", "138 0013 8000")

    def setUp(self):
        super().setUp()
        # every scenario ends with the consistency check
        self.addCleanup(self.assertLedgersConsistent)


class MemberTillCommon(MemberLoyaltyCommon):
    """A till's order as it reaches the server (with ``TestPoSCommon``): a draft synced before
    the first authorisation, then its final sync."""

    def _draft(self, qty=1, customer=None):
        """A draft order of ``qty`` x ``self.rice`` for ``customer`` (default: the member)."""
        data = self.create_ui_order_data([(self.rice, qty)], customer=customer or self.member)
        data.update(state="draft", payment_ids=[], amount_paid=0)
        result = self.env["pos.order"].sync_from_ui([dict(data)])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"]), data

    def _pay(self, data, payments, new_lines=(), **extra):
        """Final sync of the till's order: ``payments`` = [(method, amount, uuid)].

        The draft's lines are already on the server; ``new_lines`` are added; ``extra``
        overrides order values (e.g. ``partner_id``). Calling it again replays the sync.
        """
        data = dict(data, state="paid", access_token="till-token", lines=list(new_lines), **extra)
        data["amount_total"] += sum(line[2]["price_subtotal_incl"] for line in new_lines)
        data["payment_ids"] = [
            (0, 0, {"amount": amount, "name": fields.Datetime.now(), "payment_method_id": pm.id,
                    "uuid": uuid})
            for pm, amount, uuid in payments
        ]  # fmt: skip
        data["amount_paid"] = sum(amount for _pm, amount, _uuid in payments)
        result = self.env["pos.order"].sync_from_ui([data])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def _hold(self, key):
        return self.env["member.hold"].search([("key", "=", key)])

    def _redeem_line(self, uuid, amount=20.0, **values):
        """The till's *Points Redemption* line worth ``amount`` (untaxed)."""
        return (0, 0, {"product_id": self.env.ref("member_loyalty.product_member_redeem").id,
                       "qty": 1, "price_unit": -amount, "price_subtotal": -amount,
                       "price_subtotal_incl": -amount, "uuid": uuid, "tax_ids": [(6, 0, [])],
                       **values})  # fmt: skip
