from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import MemberLoyaltyCase


@tagged("post_install", "-at_install")
class TestMembers(MemberLoyaltyCase):
    def test_enrol_gives_number_tier_and_e164_phone(self):
        member = self.member
        self.assertTrue(member.member_number.startswith("M"))
        self.assertEqual(member.member_tier_id, self.tier_basic)
        self.assertEqual(member.phone, "+8613800138000")
        self.assertEqual(member.member_phone, "+8613800138000")
        self.assertEqual(member.member_tier_history_ids.reason, "enrol")
        other = self._new_member("Han Meimei", "+86 139-0013-9000")
        self.assertNotEqual(other.member_number, member.member_number)

    def test_member_number_is_not_company_dependent(self):
        branch = self.env["res.company"].create(
            {"name": "Branch", "parent_id": self.env.company.id}
        )
        self.assertEqual(self.member.with_company(branch).member_number, self.member.member_number)

    def test_invalid_phone_refused_naming_field_and_value(self):
        with self.assertRaisesRegex(ValidationError, r"Phone: '12345' is not a valid phone number"):
            self._new_member("Bad", "12345")
        with self.assertRaisesRegex(ValidationError, r"Mobile: 'abc' is not a phone number"):
            self.member.write({"mobile": "abc"})

    def test_duplicate_phone_refused_naming_member(self):
        with self.assertRaisesRegex(ValidationError, self.member.member_number):
            self._new_member("Copy", "0086 138 0013 8000")

    def test_api_find_by_number_and_phone_formats(self):
        Partner = self.env["res.partner"]
        for query in (self.member.member_number, "13800138000", "+86 138-0013-8000"):
            found = Partner.member_find(query)
            self.assertEqual([row["id"] for row in found], [self.member.id], query)
        self.assertEqual(found[0]["tier"], "Basic")
        self.assertEqual(Partner.member_find("nobody"), [])
        with self.assertRaises(ValidationError):
            Partner.member_find("  ")

    def test_api_enroll(self):
        config = self.env["pos.config"].create({"name": "Store 42"})
        result = self.env["res.partner"].member_enroll(
            {
                "name": "Wang Fang",
                "phone": "13912345678",
                "birthday": "1990-05-17",
                "store_code": "Store 42",
                "consent_sms": True,
            }
        )
        member = self.env["res.partner"].browse(result["id"])
        self.assertEqual(result["phone"], "+8613912345678")
        self.assertEqual(result["points"], 0)
        self.assertEqual(member.member_enrol_config_id, config)
        self.assertEqual(str(member.birthday), "1990-05-17")
        self.assertTrue(member.consent_sms_date)
        self.assertFalse(member.consent_email_date)
        with self.assertRaisesRegex(Exception, result["member_number"]):
            self.env["res.partner"].member_enroll({"name": "Twin", "phone": "+8613912345678"})
        with self.assertRaisesRegex(ValidationError, "Unknown store code"):
            self.env["res.partner"].member_enroll(
                {"name": "X", "phone": "13912340000", "store_code": "nowhere"}
            )
        with self.assertRaisesRegex(ValidationError, "not a date"):
            self.env["res.partner"].member_enroll(
                {"name": "X", "phone": "13912340001", "birthday": "17/05/1990"}
            )

    def test_consent_dates_follow_changes(self):
        self.assertFalse(self.member.consent_email_date)
        self.member.consent_email = True
        given = self.member.consent_email_date
        self.assertTrue(given)
        self.member.consent_email = False
        self.assertTrue(self.member.consent_email_date)
        self.assertGreaterEqual(self.member.consent_email_date, given)

    def test_member_card_prints_the_number_as_barcode(self):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "member_loyalty.report_member_card", self.member.ids
        )
        html = html.decode()
        self.assertIn(self.member.member_number, html)
        self.assertIn("/report/barcode/?barcode_type=Code128", html)
