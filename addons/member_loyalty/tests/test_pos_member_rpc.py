from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import MemberLoyaltyCommon


@tagged("post_install", "-at_install")
class TestPosMemberRpc(MemberLoyaltyCommon, TestPoSCommon):
    """Server side of the till: lookups, snapshot, enrolment, loading and guarded payloads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_member_config()
        cls.config = cls.basic_config
        cls.member = cls._new_member("Zhang Wei", "+86 138 0013 8001")
        cls.product = cls.create_product("Rice", cls.categ_basic, 100.0)

    def test_find_by_number_phone_formats_and_mask(self):
        Partner = self.env["res.partner"]
        for query in (self.member.member_number, "13800138001", "+86 138-0013-8001"):
            found = Partner.member_pos_find(query, self.config.id)
            self.assertEqual([row["id"] for row in found], [self.member.id], query)
        self.assertEqual(found[0]["phone_masked"], "+86138****8001")
        self.assertEqual(Partner.member_pos_find("nobody", self.config.id), [])
        with self.assertRaises(ValidationError):
            Partner.member_pos_find("  ", self.config.id)
        with self.assertRaises(ValidationError):
            Partner.member_pos_find("138", 0)

    def test_info_snapshot(self):
        self.member.member_topup(100.0, "rpc-topup")
        info = self.member.member_pos_info(self.config.id)
        self.assertEqual(info["balance"], 100.0)
        self.assertEqual(info["principal"], 100.0)
        self.assertEqual(info["tier"], "Basic")
        self.assertEqual(info["earn_multiplier"], 1.0)
        self.assertTrue(info["currency_ok"])

    def test_enrol_refusal_creates_nothing(self):
        Partner = self.env["res.partner"]
        count = Partner.search_count([])
        with self.assertRaises(ValidationError):
            Partner.member_pos_enroll({"name": "Li Na", "phone": "12345"}, self.config.id)
        self.assertEqual(Partner.search_count([]), count)
        info = Partner.member_pos_enroll(
            {"name": "Li Na", "phone": "139 0013 9000", "consent_sms": True}, self.config.id
        )
        partner = Partner.browse(info["id"])
        self.assertEqual(partner.member_enrol_config_id, self.config)
        self.assertTrue(partner.consent_sms)

    def test_client_cannot_set_member_keys(self):
        self.open_new_session()
        data = self.create_ui_order_data([(self.product, 1)], customer=self.member)
        data["member_points_earned"] = 99999
        data["member_points_move_ids"] = [(4, 1)]
        data["lines"][0][2]["member_anything"] = 5
        result = self.env["pos.order"].sync_from_ui([data])
        order = self.env["pos.order"].browse(result["pos.order"][0]["id"])
        self.assertEqual(order.member_points_earned, 100)
        self.assertEqual(order.member_points_move_ids.mapped("points"), [100])
        self.assertLedgersConsistent()

    def test_pos_loading_is_member_count_independent(self):
        self.open_new_session()
        session = self.pos_session
        data = session.load_data([])
        tiers = {row["name"] for row in data["member.tier"]["data"]}
        self.assertIn("Basic", tiers)
        self.assertIn("member_number", data["res.partner"]["fields"])
        self.assertNotIn("member_points", data["res.partner"]["fields"])
        # members without orders at this till are not preloaded
        loaded = {row["id"] for row in data["res.partner"]["data"]}
        self.assertNotIn(self.member.id, loaded)
        # a recent customer of this till is preloaded
        order_data = self.create_ui_order_data([(self.product, 1)], customer=self.member)
        self.env["pos.order"].sync_from_ui([order_data])
        data = session.load_data([])
        self.assertIn(self.member.id, {row["id"] for row in data["res.partner"]["data"]})
        self.assertIn(
            self.member.id, [row[0] for row in self.config.get_limited_partners_loading()]
        )
