from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from .common import MarketingLoyaltyCase


@tagged("post_install", "-at_install")
class TestBonusPoints(MarketingLoyaltyCase):
    def _points_moves(self, member):
        return self.env["member.points.move"].search(
            [("partner_id", "=", member.id), ("kind", "=", "bonus"), ("points", "=", 50)]
        )

    def test_bonus_points_credited_once(self):
        member = self._contact("Bonus")
        member.member_topup(1000.0, "mml-bonus-1")  # upgrade to Silver, +200 top-up points
        self.assertEqual(member.member_points, 200)
        campaign = self._campaign(trigger_type="tier_upgraded", bonus_points=50)
        campaign._enqueue()
        Send = self.env["member.campaign.send"]
        self.assertEqual(Send._process_queue(), 1)
        send = self._sends(campaign)
        self.assertEqual(send.state, "sent")
        self.assertEqual(member.member_points, 250)
        move = self._points_moves(member)
        self.assertEqual(move.idempotency_key, send._get_bonus_key())
        self.assertEqual(move.origin, campaign.name)
        sms = self.env["sms.sms"].sudo().search([("uuid", "=", send.sms_uuid)])
        self.assertIn("250 points", sms.body, "the message shows the points after the bonus")

        # a re-run (cron twice, a replayed batch) credits nothing more
        campaign._enqueue()
        self.assertEqual(Send._process_queue(), 0)
        send._credit_bonus_points(campaign)
        member.invalidate_recordset()
        self.assertEqual(member.member_points, 250)
        self.assertEqual(len(self._points_moves(member)), 1)
        self.assertLedgersConsistent()

    def test_control_group_gets_no_bonus(self):
        member = self._contact("Control")
        member.member_topup(1000.0, "mml-bonus-2")
        campaign = self._campaign(trigger_type="tier_upgraded", bonus_points=50)
        campaign.control_percent = 100
        campaign._enqueue()
        self.env["member.campaign.send"]._process_queue()
        self.assertEqual(self._sends(campaign).state, "held")
        self.assertEqual(member.member_points, 200)
        self.assertFalse(self._points_moves(member))

    def test_bonus_limits_audience_to_members(self):
        member = self._contact("Member")
        stranger = self.env["res.partner"].create({"name": "Not a member"})
        campaign = self._campaign(trigger_type="tier_upgraded", bonus_points=50)
        condition = campaign._get_audience_condition()
        self.env.cr.execute(
            SQL(
                "SELECT t.partner_id FROM (VALUES (%s), (%s)) t (partner_id)"
                " JOIN res_partner partner ON partner.id = t.partner_id WHERE %s",
                member.id,
                stranger.id,
                condition,
            )
        )
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], [member.id])

    def test_only_administrators_give_bonus_points(self):
        """A campaign user runs the campaigns an administrator configured with bonus points and
        sees the points, read-only; only an administrator sets them."""
        user = new_test_user(
            self.env, login="mml_user", groups="member_marketing.group_member_marketing_user"
        )
        manager = new_test_user(
            self.env, login="mml_manager", groups="member_marketing.group_member_marketing_manager"
        )
        Campaign = self.env["member.campaign"].with_user(user)
        vals = {"name": "Upgrade gift", "trigger_type": "tier_upgraded"}
        vals["sms_template_id"] = self.sms_template.id
        with self.assertRaisesRegex(AccessError, "administrators.*Bonus Points"):
            Campaign.create({**vals, "bonus_points": 50})
        own = Campaign.create(vals)
        with self.assertRaisesRegex(AccessError, "administrators.*Bonus Points"):
            own.bonus_points = 50
        own.invalidate_recordset()
        self.assertEqual(own.bonus_points, 0)

        configured = Campaign.with_user(manager).create({**vals, "bonus_points": 50})
        form = Form(configured.with_user(user))
        self.assertEqual(form.bonus_points, 50)
        with self.assertRaisesRegex(AssertionError, "readonly"):
            form.bonus_points = 500
        with self.assertRaisesRegex(AccessError, "Bonus Points"):
            configured.with_user(user).bonus_points = 500
        configured.with_user(user).action_start()
        self.assertEqual((configured.state, configured.bonus_points), ("running", 50))
