import threading
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.member_marketing.models.member_campaign_send import MemberCampaignSend

MEMBERS = 6


class SimulatedCrash(BaseException):
    """Stands for the worker process dying: not caught by ``except Exception``."""


@tagged("post_install", "-at_install")
class TestSendConcurrency(TransactionCase):
    """Queue processing on real, committed data with separate cursors (as cron workers do)."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            # the committed batches wake Odoo's SMS queue cron up: drop those wake-ups after
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_trigger")
            self.last_trigger = cr.fetchone()[0]
            env = api.Environment(cr, SUPERUSER_ID, {})
            template = env["sms.template"].create(
                {
                    "name": "Concurrency test",
                    "model_id": env["ir.model"]._get_id("res.partner"),
                    "body": "Hi {{ object.name }}",
                }
            )
            partners = env["res.partner"].create(
                [
                    {"name": f"Concurrent {i}", "phone": f"+8613900139{i:03d}", "consent_sms": True}
                    for i in range(MEMBERS)
                ]
            )
            campaign = env["member.campaign"].create(
                {
                    "name": "Concurrency test",
                    "channel": "sms",
                    "sms_template_id": template.id,
                    "control_percent": 0,
                    "respect_quiet_hours": False,
                }
            )
            campaign.action_start()
            env["member.campaign.send"].create(
                [
                    {
                        "campaign_id": campaign.id,
                        "partner_id": partner.id,
                        "occurrence": "broadcast",
                        "group_type": "treatment",
                        "channel": "sms",
                        "access_token": f"concurrencytest{partner.id}",
                    }
                    for partner in partners
                ]
            )
        self.template_id, self.partner_ids, self.campaign_id = (
            template.id,
            partners.ids,
            campaign.id,
        )
        self.addCleanup(self._cleanup)
        self.addCleanup(self._drop_triggers)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sms.sms"].search([("partner_id", "in", self.partner_ids)]).unlink()
            env["member.campaign"].browse(self.campaign_id).unlink()
            env["sms.template"].browse(self.template_id).unlink()
            env["res.partner"].browse(self.partner_ids).unlink()

    def _process(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["member.campaign.send"]._process_queue(batch_size=2, commit=True)

    def _committed_state(self):
        """(sms count per member, send count per state) as committed in the database."""
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT partner_id, COUNT(*) FROM sms_sms"
                    " WHERE partner_id IN %s GROUP BY partner_id",
                    tuple(self.partner_ids),
                )
            )
            sms = dict(cr.fetchall())
            cr.execute(
                SQL(
                    "SELECT state, COUNT(*) FROM member_campaign_send"
                    " WHERE campaign_id = %s GROUP BY state",
                    self.campaign_id,
                )
            )
            return sms, dict(cr.fetchall())

    def test_cron_twice_sends_once(self):
        for _run in range(2):
            with self.registry.cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})["member.campaign.send"]._cron_process_queue(
                    batch_size=2
                )
        sms, states = self._committed_state()
        self.assertEqual(sms, dict.fromkeys(self.partner_ids, 1))
        self.assertEqual(states, {"sent": MEMBERS})

    def test_two_workers_at_once_send_once(self):
        barrier = threading.Barrier(2)
        results, errors = [], []

        def worker():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait(timeout=30)
                    results.append(
                        env["member.campaign.send"]._process_queue(batch_size=2, commit=True)
                    )
            except Exception as error:  # reported to the test thread below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _dummy in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors)
        self.assertEqual(sum(results), MEMBERS)
        sms, states = self._committed_state()
        self.assertEqual(sms, dict.fromkeys(self.partner_ids, 1))
        self.assertEqual(states, {"sent": MEMBERS})

    def test_crash_mid_batch_then_resume(self):
        original = MemberCampaignSend._queue_sms
        calls = []

        def crash_on_second_batch(sends, campaign, now, coupon_codes=None):
            calls.append(len(sends))
            original(sends, campaign, now, coupon_codes)  # the sms.sms rows are created...
            if len(calls) == 2:
                raise SimulatedCrash  # ...and the worker dies before committing them

        with (
            patch.object(
                MemberCampaignSend, "_queue_sms", autospec=True, side_effect=crash_on_second_batch
            ),
            self.assertRaises(SimulatedCrash),
        ):
            self._process()
        sms, states = self._committed_state()
        self.assertEqual(sum(sms.values()), 2, "only the first, committed batch went out")
        self.assertEqual(states, {"sent": 2, "queued": MEMBERS - 2})
        self.assertEqual(self._process(), MEMBERS - 2)
        sms, states = self._committed_state()
        self.assertEqual(sms, dict.fromkeys(self.partner_ids, 1))
        self.assertEqual(states, {"sent": MEMBERS})

    def test_frequency_cap_across_workers(self):
        """Two workers on two campaigns reach the same member: the cap (1 a week) holds."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param("member_marketing.frequency_cap_count", 1)
            other = env["member.campaign"].browse(self.campaign_id).copy({"name": "Other"})
            other.action_start()
            member = self.partner_ids[0]
            env["member.campaign.send"].create(
                {
                    "campaign_id": other.id,
                    "partner_id": member,
                    "occurrence": "broadcast",
                    "group_type": "treatment",
                    "channel": "sms",
                    "access_token": "concurrencytestother",
                }
            )
        self.addCleanup(self._drop_campaign, other.id)
        original = MemberCampaignSend._claim_batch
        claims = []

        def claim_then_let_the_other_worker_run(sends, batch_size, quiet_campaign_ids, now=None):
            batch = original(sends, batch_size, quiet_campaign_ids, now)
            claims.append(batch.ids)
            if len(claims) == 1:
                # worker A holds the member's first send; worker B sends the other one and
                # commits before worker A counts the member's recent sends
                with self.registry.cursor() as cr_b:
                    env_b = api.Environment(cr_b, SUPERUSER_ID, {})
                    send_b = env_b["member.campaign.send"].search(
                        [("partner_id", "=", member), ("id", "not in", batch.ids)]
                    )
                    send_b._process_batch(fields.Datetime.now())
            return batch

        with (
            patch.object(
                MemberCampaignSend,
                "_claim_batch",
                autospec=True,
                side_effect=claim_then_let_the_other_worker_run,
            ),
            self.registry.cursor() as cr_a,
        ):
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            first = env_a["member.campaign.send"].search(
                [("partner_id", "=", member), ("campaign_id", "=", self.campaign_id)]
            )
            env_a["member.campaign.send"]._process_queue(batch_size=1, commit=True)
        sms, _states = self._committed_state()
        self.assertEqual(sms[member], 1, "the member received one SMS this week, not two")
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT skip_reason FROM member_campaign_send WHERE id = %s", first.id))
            self.assertEqual(cr.fetchone()[0], "frequency_cap")

    def test_action_meeting_a_concurrent_update_is_retried(self):
        """A campaign action that locks a row changed by another transaction since the batch's
        snapshot (as member_loyalty's balance lock does for bonus points when a till sale comes
        in) fails to serialize: the batch is retried with a fresh snapshot, not failed."""
        original = MemberCampaignSend._run_actions
        calls = []

        def lock_member_after_a_till_sale(sends, campaign, now):
            calls.append(sends.ids)
            member = sends.partner_id[:1].id
            if len(calls) == 1:
                # a till sale on the member commits while the worker holds its batch
                with self.registry.cursor() as cr_till:
                    cr_till.execute(
                        SQL(
                            "UPDATE res_partner SET write_date = NOW() AT TIME ZONE 'UTC'"
                            " WHERE id = %s",
                            member,
                        )
                    )
            # the action locks the member's row before changing it, like a balance debit
            sends.env.cr.execute(
                SQL("SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE", member)
            )
            return original(sends, campaign, now)

        with patch.object(
            MemberCampaignSend,
            "_run_actions",
            autospec=True,
            side_effect=lock_member_after_a_till_sale,
        ):
            self.assertEqual(self._process(), MEMBERS)
        self.assertEqual(len(calls), MEMBERS // 2 + 1, "the first batch ran twice")
        self.assertEqual(calls[0], calls[1])
        sms, states = self._committed_state()
        self.assertEqual(sms, dict.fromkeys(self.partner_ids, 1))
        self.assertEqual(states, {"sent": MEMBERS})

    def test_outbox_queue_runs_at_once(self):
        """Messages claimed in a committed batch leave at once: Odoo's SMS queue cron is
        triggered with them, not left to its hourly run (which may fall in the quiet hours)."""
        before = fields.Datetime.now()
        self._process()
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """SELECT d.module || '.' || d.name, MAX(t.call_at)
                         FROM ir_cron_trigger t
                         JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = t.cron_id
                        WHERE t.id > %s
                        GROUP BY 1""",
                    self.last_trigger,
                )
            )
            triggered = dict(cr.fetchall())
        self.assertEqual(list(triggered), ["sms.ir_cron_sms_scheduler_action"])
        self.assertLessEqual(
            triggered["sms.ir_cron_sms_scheduler_action"], before + timedelta(minutes=1)
        )

    def _drop_triggers(self):
        with self.registry.cursor() as cr:
            cr.execute(SQL("DELETE FROM ir_cron_trigger WHERE id > %s", self.last_trigger))

    def _drop_campaign(self, campaign_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sms.sms"].search([("partner_id", "in", self.partner_ids)]).unlink()
            env["member.campaign"].browse(campaign_id).unlink()
            env["ir.config_parameter"].set_param("member_marketing.frequency_cap_count", 2)
