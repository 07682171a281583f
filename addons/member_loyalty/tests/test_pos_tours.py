from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import MemberLoyaltyCommon

MEMBER_NUMBER = "M900000001"


@tagged("post_install", "-at_install")
class TestMemberPosTours(MemberLoyaltyCommon, TestPointOfSaleHttpCommon):
    """Cashier flows at the till (headless browser), then what the server booked."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_member_config()
        cls.rice = cls.env["product.product"].create(
            {
                "name": "Member Rice",
                "available_in_pos": True,
                "list_price": 100.0,
                "taxes_id": False,
            }
        )
        cls.gold_pricelist = cls.env["product.pricelist"].create(
            {
                "name": "Gold member prices",
                "item_ids": [
                    fields.Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.rice.id,
                            "compute_price": "fixed",
                            "fixed_price": 80.0,
                        }
                    )
                ],
            }
        )
        cls.tier_gold.pricelist_id = cls.gold_pricelist
        cls.member = cls._new_member("Zhang Wei", "+86 138 0013 8001")
        # sudo: member number and tier are engine-written fields; fixed here for the tours
        cls.member.sudo().write(
            {"member_number": MEMBER_NUMBER, "member_tier_id": cls.tier_gold.id}
        )
        cls.member.member_topup(100.0, "tour-topup")
        cls.member._member_adjust("points", 900, "tour setup", "tour-points-1")
        cls.member._member_adjust("points", 300, "tour setup", "tour-points-2")
        soon = fields.Date.today() + timedelta(days=10)
        lots = cls.env["member.points.lot"].search([("partner_id", "=", cls.member.id)])
        lots.filtered(lambda lot: lot.points_initial == 300).sudo().expiry_date = soon

    def setUp(self):
        super().setUp()
        self.addCleanup(self.assertLedgersConsistent)
        self.main_pos_config.with_user(self.pos_user).open_ui()

    def test_identify_by_phone_scan_and_number(self):
        self.start_pos_tour("MemberIdentifyTour")
        draft = self.env["pos.order"].search(
            [("session_id", "=", self.main_pos_config.current_session_id.id)]
        )
        # identification books nothing
        self.assertFalse(draft.member_points_move_ids)
        self.assertEqual(self.member.member_points, 1200)

    def test_identify_from_customer_list_search(self):
        self.start_pos_tour("MemberPartnerListTour")
        self.assertEqual(self.member.member_points, 1200)

    def test_enrol_at_till_refusals_then_success(self):
        partners_before = self.env["res.partner"].search_count([])
        self.start_pos_tour("MemberEnrolTour")
        enrolled = self.env["res.partner"].search([("name", "=", "Li Na")])
        # the two refused attempts created nothing: exactly one new partner, a member
        self.assertEqual(len(enrolled), 1)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before + 1)
        self.assertTrue(enrolled.member_number)
        self.assertEqual(enrolled.member_phone, "+8613900139000")
        self.assertEqual(enrolled.member_tier_id, self.tier_basic)
        self.assertEqual(enrolled.member_enrol_config_id, self.main_pos_config)
        self.assertEqual(str(enrolled.birthday), "1990-05-04")
        self.assertFalse(enrolled.consent_sms)

    def test_earn_estimate_equals_booking_and_receipt(self):
        self.start_pos_tour("MemberEarnReceiptTour")
        order = self.env["pos.order"].search(
            [("partner_id", "=", self.member.id), ("state", "in", ("paid", "done"))]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.amount_total, 160.0)
        self.assertEqual(order.member_points_earned, 320)
        self.assertEqual(self.member.member_points, 1520)
        self.assertEqual(order.member_points_after, 1520)
