from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import MemberLoyaltyCase


@tagged("post_install", "-at_install")
class TestSecurity(MemberLoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cashier = new_test_user(
            cls.env, login="member_cashier", groups="base.group_user,point_of_sale.group_pos_user"
        )

    def test_pos_user_cannot_write_ledgers_or_balances(self):
        self.member.member_topup(100.0, "sec-1")
        env = self.env(user=self.cashier)
        member = self.member.with_env(env)
        with self.assertRaises(AccessError):
            env["member.points.move"].create(
                {
                    "partner_id": member.id,
                    "kind": "earn",
                    "points": 1000,
                    "idempotency_key": "forged",
                    "company_id": env.company.id,
                    "user_id": env.uid,
                }
            )
        with self.assertRaises(AccessError):
            env["member.wallet.move"].create(
                {
                    "partner_id": member.id,
                    "kind": "topup",
                    "amount_principal": 1000,
                    "idempotency_key": "forged",
                    "currency_id": env.company.currency_id.id,
                    "company_id": env.company.id,
                    "user_id": env.uid,
                }
            )
        with self.assertRaises(AccessError):
            member.member_balance_id.with_env(env).write({"principal": 10000})
        with self.assertRaises(AccessError):
            member.member_wallet_move_ids.with_env(env).unlink()
        with self.assertRaises(AccessError):
            member.member_cashout("sec-cashout")
        with self.assertRaises(AccessError):
            env["member.adjust.wizard"].create(
                {"partner_id": member.id, "points": 1000, "reason": "gift"}
            )
        with self.assertRaises(AccessError):
            member.member_wallet_spend(30.0, "sec-2")
        with self.assertRaises(AccessError):
            member.member_points_redeem(1, "sec-3")
        self.assertEqual(self.member.member_wallet, 100.0)
        # an integration spends through the external API
        integration = new_test_user(
            self.env, login="member_integration", groups="member_loyalty.group_member_api"
        )
        spent = self.member.with_user(integration).member_wallet_spend(30.0, "sec-2")
        self.assertEqual(spent["balance"], 70.0)
        self.assertEqual(self.member.member_wallet, 70.0)

    def test_manager_adjustment_needs_reason(self):
        wizard = self.env["member.adjust.wizard"].create(
            {"partner_id": self.member.id, "target": "points", "points": 120, "reason": "Goodwill"}
        )
        wizard.action_confirm()
        self.assertEqual(self.member.member_points, 120)
        move = self.member.member_points_move_ids
        self.assertEqual((move.kind, move.note), ("adjustment", "Goodwill"))
        with self.assertRaisesRegex(UserError, "reason"):
            self.member._member_adjust("points", 5, " ", "adj-2")
        with self.assertRaisesRegex(UserError, "negative"):
            self.member._member_adjust("bonus", -5.0, "fix", "adj-3")

    def test_consistency_check_reports_drift(self):
        self.member.member_topup(100.0, "sec-1")
        action = self.env["member.balance"].action_check_consistency()
        self.assertEqual(action["params"]["type"], "success")
        self.env.cr.execute(
            "UPDATE member_balance SET principal = principal + 1 WHERE partner_id = %s",
            (self.member.id,),
        )
        drift = self.env["member.balance"]._get_drift()
        self.assertEqual([row["partner_id"] for row in drift], [self.member.id])
        action = self.env["member.balance"].action_check_consistency()
        self.assertEqual(action["params"]["type"], "danger")
        self.env.cr.execute(
            "UPDATE member_balance SET principal = principal - 1 WHERE partner_id = %s",
            (self.member.id,),
        )

    def test_partner_views_render_for_every_role(self):
        plain = new_test_user(self.env, login="member_plain_user", groups="base.group_user")
        for user in (plain, self.cashier, self.env.user):
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                views = Partner.get_views([(False, "form"), (False, "list")])
                self.assertIn("form", views["views"])
                data = Partner.browse(self.member.id).web_read({"name": {}, "member_number": {}})
                self.assertEqual(data[0]["member_number"], self.member.member_number)
        action = self.env.ref("member_loyalty.res_partner_action_member")
        views = (
            self.env["res.partner"]
            .with_user(self.cashier)
            .get_views([(view.view_id.id, view.view_mode) for view in action.view_ids])
        )
        self.assertIn("member_wallet", views["views"]["list"]["arch"])

    def test_ledger_rows_are_append_only_even_for_managers(self):
        self.member.member_topup(100.0, "sec-append")
        move = self.member.member_wallet_move_ids.sudo()
        with self.assertRaisesRegex(UserError, "append-only"):
            move.write({"amount_principal": 1000.0})
        with self.assertRaisesRegex(UserError, "append-only"):
            move.unlink()

    def test_cashier_cannot_top_up(self):
        member = self.member.with_user(self.cashier)
        with self.assertRaises(AccessError):
            member.member_topup(500.0, "sec-topup")
        self.assertEqual(self.member.member_wallet, 0.0)
        self.assertFalse(self.member.member_wallet_move_ids)

    def test_cashier_cannot_write_engine_fields(self):
        self.cashier.groups_id = [(4, self.env.ref("base.group_partner_manager").id)]
        own = self.cashier.partner_id.with_user(self.cashier)
        for vals in (
            {"member_tier_id": self.tier_gold.id},
            {"member_number": "FORGED-1"},
            {"member_enrol_date": "2020-01-01"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                own.write(vals)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.cashier).create(
                {"name": "Forged", "member_number": "FORGED-2", "member_tier_id": self.tier_gold.id}
            )
        self.assertFalse(self.cashier.partner_id.member_tier_id)
        self.assertFalse(self.cashier.partner_id.member_number)
        # ordinary contact fields stay writable; managers may still correct engine fields
        own.write({"comment": "regular"})
        self.member.write({"member_tier_id": self.tier_gold.id})
        self.assertEqual(self.member.member_tier_id, self.tier_gold)
