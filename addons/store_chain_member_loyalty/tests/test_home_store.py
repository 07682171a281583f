from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ChainMemberCommon


@tagged("post_install", "-at_install")
class TestHomeStore(ChainMemberCommon):
    def test_enrolled_at_till_gets_till_store(self):
        self.assertEqual(self.member.member_home_store_id, self.store_a)
        self.assertEqual(self.member.member_home_region_id, self.region_sh)

    def test_api_store_code_and_back_office_choice(self):
        found = self.env["res.partner"].member_enroll(
            {"name": "Li Ming", "phone": "138 0013 8101", "store_code": "T-B"}
        )
        self.assertEqual(
            self.env["res.partner"].browse(found["id"]).member_home_store_id, self.store_b
        )
        chosen = self.env["res.partner"].create(
            {"name": "Wang Fang", "phone": "138 0013 8102", "member_home_store_id": self.store_b.id}
        )
        chosen.action_member_enrol()
        self.assertEqual(chosen.member_home_store_id, self.store_b)
        # without a choice: the user's current store
        self.env.user.chain_store_id = self.store_a
        current = self.env["res.partner"].create({"name": "Zhao Lei", "phone": "138 0013 8103"})
        current.action_member_enrol()
        self.assertEqual(current.member_home_store_id, self.store_a)

    def test_only_member_managers_move_home_store(self):
        with self.assertRaises(AccessError):
            self.member.with_user(self.manager_a).member_home_store_id = self.store_b
        self.member.member_home_store_id = self.store_b
        self.assertEqual(self.member.member_home_store_id, self.store_b)
