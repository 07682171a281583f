from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import MemberLoyaltyCase


@tagged("post_install", "-at_install")
class TestWallet(MemberLoyaltyCase):
    def test_topup_bonus_tiers(self):
        result = self.member.member_topup(499.0, "w-1")
        self.assertEqual(
            (result["principal"], result["bonus"], result["bonus_points"]), (499.0, 0.0, 0)
        )
        result = self.member.member_topup(500.0, "w-2")
        self.assertEqual(
            (result["principal"], result["bonus"], result["bonus_points"]), (999.0, 50.0, 0)
        )
        result = self.member.member_topup(1000.0, "w-3", payment_ref="WX-1")
        self.assertEqual(result["bonus_points"], 200)
        self.assertEqual(result["points"], 200)
        self.assertEqual(result["balance"], 2049.0)
        kinds = self.member.member_wallet_move_ids.mapped("kind")
        self.assertEqual(sorted(kinds), ["bonus", "topup", "topup", "topup"])

    def test_topup_rule_per_tier(self):
        self.rule_500.tier_ids = self.tier_gold
        result = self.member.member_topup(600.0, "w-1")
        self.assertEqual(result["bonus"], 0.0)

    def test_topup_replay_returns_first_result(self):
        first = self.member.member_topup(500.0, "w-1")
        second = self.member.member_topup(500.0, "w-1")
        self.assertEqual(first, second)
        self.assertEqual(self.member.member_wallet, 550.0)

    def test_spend_proportional_and_refusal(self):
        self.member.member_topup(500.0, "w-1")  # 500 principal + 50 bonus
        result = self.member.member_wallet_spend(110.0, "s-1")
        self.assertEqual((result["principal"], result["bonus"]), (400.0, 40.0))
        with self.assertRaisesRegex(UserError, "cannot be spent"):
            self.member.member_wallet_spend(440.01, "s-2")
        self.assertEqual(self.member.member_wallet, 440.0)
        self.assertFalse(
            self.member.member_wallet_move_ids.filtered(lambda m: m.idempotency_key == "api:s-2")
        )

    def test_spend_principal_first(self):
        self.env["ir.config_parameter"].sudo().set_param("member_loyalty.spend_order", "principal")
        self.member.member_topup(500.0, "w-1")
        result = self.member.member_wallet_spend(520.0, "s-1")
        self.assertEqual((result["principal"], result["bonus"]), (0.0, 30.0))

    def test_cashout_returns_principal_and_voids_bonus(self):
        self.member.member_topup(500.0, "w-1")
        self.member.member_wallet_spend(110.0, "s-1")
        result = self.member.member_cashout("c-1")
        self.assertEqual(result, {"principal_returned": 400.0, "bonus_voided": 40.0})
        self.assertEqual(self.member.member_wallet, 0.0)
        self.assertEqual(self.member.member_cashout("c-1"), result)
        with self.assertRaisesRegex(UserError, "no stored value"):
            self.member.member_cashout("c-2")

    def test_key_reused_for_another_member_refused(self):
        other = self._new_member("Other", "13900000001")
        self.member.member_topup(10.0, "shared-key")
        with self.assertRaisesRegex(UserError, "another member"):
            other.member_topup(10.0, "shared-key")

    def test_spend_replays_and_keys_of_both_ledgers(self):
        self.member.member_topup(100.0, "w-1")
        self.member._member_points_bonus(500, "p-bonus")
        first = self.member.member_wallet_spend(80.0, "s-1")
        self.assertEqual(first["balance"], 20.0)
        # the balance no longer covers 80: the replay still answers the first result
        self.assertEqual(self.member.member_wallet_spend(80.0, "s-1"), first)
        other = self._new_member("Other", "13900000001")
        other.member_topup(100.0, "w-other")
        with self.assertRaisesRegex(UserError, "another member"):
            other.member_wallet_spend(1.0, "s-1")
        self.member.member_points_redeem(100, "p-1")
        with self.assertRaisesRegex(UserError, "another operation"):
            self.member.member_wallet_spend(1.0, "p-1")
        with self.assertRaisesRegex(UserError, "another operation"):
            self.member.member_points_redeem(100, "s-1")
        stranger = self.env["res.partner"].create({"name": "Not A Member"})
        with self.assertRaisesRegex(UserError, "is not a member"):
            stranger.member_wallet_spend(1.0, "s-stranger")
        self.assertEqual((self.member.member_wallet, self.member.member_points), (20.0, 400))
        self.assertEqual((other.member_wallet, len(other.member_wallet_move_ids)), (100.0, 1))
        self.assertLedgersConsistent()

    def test_key_with_spaces_replays(self):
        first = self.member.member_topup(500.0, "  w-space ")
        again = self.member.member_topup(500.0, "w-space")
        self.assertEqual(first, again)
        self.assertEqual(self.member.member_wallet, 550.0)
        topup = self.member.member_wallet_move_ids.filtered(lambda m: m.kind == "topup")
        self.assertEqual(topup.idempotency_key, "api:w-space")

    def test_api_keys_apart_from_server_keys_and_other_operations_refused(self):
        """An API key lives in its own namespace, whatever it looks like: it can neither claim
        nor replay an operation of the tills or the crons; the caller sees its own key."""
        self.member.member_topup(100.0, "w-kind")
        self.member.member_wallet_spend(0.01, "pos.payment:some-uuid")
        self.assertFalse(
            self.env["member.wallet.move"].search([("idempotency_key", "=like", "pos.%")])
        )
        with self.assertRaisesRegex(UserError, "key w-kind was already used for another operation"):
            self.member.member_wallet_spend(0.01, "w-kind")
        self.member.member_wallet_spend(10.0, "w-spend")
        with self.assertRaisesRegex(UserError, "another operation"):
            self.member.member_wallet_spend(0.01, "w-spend")
        self.assertEqual(self.member.member_wallet_spend(10.0, "w-spend")["balance"], 89.99)
        self.assertEqual(self.member.member_wallet, 89.99)
        self.assertEqual(
            sorted(row["key"] for row in self.member.member_statement()),
            ["pos.payment:some-uuid", "w-kind", "w-spend"],
        )

    def test_tier_rule_beats_general_rule_of_same_minimum(self):
        Rule = self.env["member.topup.rule"]
        Rule.create(
            {
                "name": "Members 1000 -> 300 points",
                "min_amount": 1000,
                "bonus_points": 300,
                "tier_ids": [(6, 0, (self.tier_basic | self.tier_silver).ids)],
            }
        )
        self.assertEqual(self.member.member_topup(1000.0, "w-tier")["bonus_points"], 300)

    def test_amount_not_finite_or_too_big_refused(self):
        self.member.member_topup(100.0, "w-1")
        for value in (float("nan"), float("inf"), float("-inf")):
            with self.assertRaisesRegex(ValidationError, "must be a number"):
                self.member.member_topup(value, "w-bad")
            with self.assertRaisesRegex(ValidationError, "must be a number"):
                self.member.member_wallet_spend(value, "s-bad")
        with self.assertRaisesRegex(ValidationError, "at most 1000000000"):
            self.member.member_topup(1e16, "w-huge")
        with self.assertRaisesRegex(ValidationError, "at most 1000000000"):
            self.member.member_wallet_spend(1e16, "s-huge")
        with self.assertRaisesRegex(ValidationError, "from 1 to 1000000000"):
            self.member.member_points_redeem(10**10, "r-huge")
        self.assertEqual(self.member.member_wallet, 100.0)
        self.assertEqual(len(self.member.member_wallet_move_ids), 1)
