from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ChainMemberCommon

PERSONAL = ["phone", "email", "birthday", "city", "member_phone"]


@tagged("post_install", "-at_install")
class TestPersonalScope(ChainMemberCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._at(cls.store_a).member_topup(100.0, "scope-topup")

    def _read(self, user):
        return self.member.with_user(user).read(
            ["name", "member_number", "member_tier_id", "member_wallet", *PERSONAL]
        )[0]

    def test_home_store_region_and_hq_read_personal_data(self):
        for user in (self.user_a, self.manager_east, self.user_hq):
            values = self._read(user)
            self.assertEqual(values["phone"], "+8613800138100", user.login)
            self.assertEqual(str(values["birthday"]), "1990-05-04", user.login)
            self.assertEqual(values["email"], "meimei@example.com", user.login)
            self.assertEqual(values["city"], "Shanghai", user.login)

    def test_other_store_sees_identity_and_balances_only(self):
        values = self._read(self.user_b)
        self.assertEqual(values["name"], "Han Meimei")
        self.assertEqual(values["member_number"], self.member.member_number)
        self.assertEqual(values["member_tier_id"][0], self.tier_basic.id)
        self.assertEqual(values["member_wallet"], 100.0)
        self.assertEqual(
            {fname: values[fname] for fname in PERSONAL}, dict.fromkeys(PERSONAL, False)
        )
        rows = (
            self.env["res.partner"]
            .with_user(self.user_b)
            .search_read([("id", "=", self.member.id)], ["name", "phone", "birthday"])
        )
        self.assertEqual(
            rows, [{"id": self.member.id, "name": "Han Meimei", "phone": False, "birthday": False}]
        )
        with self.assertRaises(AccessError):
            self.member.with_user(self.user_b).export_data(["name", "phone"])

    def test_other_store_cannot_write_personal_data(self):
        self.env.ref("base.group_partner_manager").users += self.user_b
        with self.assertRaises(AccessError):
            self.member.with_user(self.user_b).write({"phone": "138 0013 8199"})
        self.assertEqual(self.member.phone, "+8613800138100")

    def test_ledger_history_scoped_to_home_store(self):
        Wallet = self.env["member.wallet.move"]
        self.assertFalse(
            Wallet.with_user(self.user_b).search([("partner_id", "=", self.member.id)])
        )
        self.assertFalse(self.member.with_user(self.user_b).member_wallet_move_ids)
        self.assertEqual(
            Wallet.with_user(self.user_a)
            .search([("partner_id", "=", self.member.id)])
            .mapped("amount"),
            [100.0],
        )
        # a spend at store B is store B's own transaction: it sees that row, not the top-up
        self._at(self.store_b).member_wallet_spend(30.0, "scope-spend-b")
        rows = Wallet.with_user(self.user_b).search([("partner_id", "=", self.member.id)])
        self.assertEqual(rows.mapped("amount"), [-30.0])
        self.assertEqual(rows.chain_store_id, self.store_b)

    def test_api_lookup_follows_the_scope(self):
        number = self.member.member_number
        for user, phone in ((self.user_a, "+8613800138100"), (self.user_b, False)):
            found = self.env["res.partner"].with_user(user).member_find(number)
            self.assertEqual(
                [(row["id"], row["phone"]) for row in found], [(self.member.id, phone)], user.login
            )

    def test_till_lookup_at_other_store(self):
        Partner = self.env["res.partner"].with_user(self.user_b)
        found = Partner.member_pos_find("13800138100", self.config_b.id)
        self.assertEqual(
            [(row["id"], row["name"]) for row in found], [(self.member.id, "Han Meimei")]
        )
        self.assertEqual(found[0]["tier"], "Basic")
        info = self.member.with_user(self.user_b).member_pos_info(self.config_b.id)
        self.assertEqual(
            (info["name"], info["tier"], info["balance"]), ("Han Meimei", "Basic", 100.0)
        )
