from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from ..models.member_segment_engine import CHANGE_LOG_TABLE, STATE_META_TABLE, STATE_TABLE
from .common import MemberMarketingCase, insert_orders

PROFILE_FIGURES = [
    "lifecycle_segment_id",
    "rfm_segment_id",
    "first_order_date",
    "last_order_date",
    "order_count",
    "amount_total",
    "rfm_recency",
    "rfm_frequency",
    "rfm_monetary",
    "purchase_days",
    "median_gap",
    "median_interval_days",
    "recency_days",
    "churn_ratio",
]


@tagged("post_install", "-at_install")
class TestIncrementalRefresh(MemberMarketingCase):
    """The incremental refresh (state of the last refresh + the members logged by the
    triggers on pos_order, and the orders entering or leaving a window since) gives the same
    profiles, segments and history as a refresh from scratch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls.env["res.partner"]
        # one member per window edge (30, 45, 60, RFM 365 days), and regular buyers
        for name, orders in (
            ("new, 30 days ago", [(30, 300.0)]),
            ("active, 45 days edge", [(45, 250.0), (20, 250.0)]),
            ("fan, 60 days edge", [(60, 300.0), (40, 300.0), (20, 300.0), (10, 300.0)]),
            ("rfm, 365 days edge", [(365, 500.0), (100, 80.0)]),
            ("loyal", [(40, 120.0), (8, 90.0)]),
            ("regular", [(90, 60.0), (60, 60.0), (31, 60.0), (3, 60.0)]),
            ("late sync", [(12, 150.0)]),
            ("refunded", [(25, 180.0), (5, 220.0)]),
            ("cancelled", [(40, 100.0), (15, 100.0)]),
            ("single", [(7, 40.0)]),
        ):
            cls.members |= cls._member(name, orders)

    def _figures(self):
        self.env.invalidate_all()
        profiles = self.env["member.marketing.profile"].search(
            [("partner_id", "in", self.members.ids)]
        )
        return {
            profile.partner_id.name: {
                name: (value.id if hasattr(value, "id") else value)
                for name, value in ((name, profile[name]) for name in PROFILE_FIGURES)
            }
            for profile in profiles
        }

    def _history(self):
        rows = self.env["member.segment.history"].search([("partner_id", "in", self.members.ids)])
        return sorted(
            (r.partner_id.id, r.segment_type, r.segment_id.id, r.previous_segment_id.id, r.date)
            for r in rows
        )

    def _full_day(self):
        self.env.cr.execute(SQL("SELECT full_day FROM %s", SQL.identifier(STATE_META_TABLE)))
        return self.env.cr.fetchone()[0]

    def _member_named(self, name):
        return self.members.filtered(lambda partner: partner.name == name)

    def _write_orders(self, partner, **values):
        """Change a member's orders by SQL (the write date left as it was)."""
        self.env.cr.execute(
            SQL(
                "UPDATE pos_order SET %s WHERE partner_id = %s",
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(field), value) for field, value in values.items()
                ),
                partner.id,
            )
        )

    def _snapshot(self, day):
        """The day's segment sizes (segment id: members)."""
        self.env.cr.execute(
            "SELECT segment_id, member_count FROM member_segment_snapshot WHERE date = %s", [day]
        )
        return dict(self.env.cr.fetchall())

    def assertSameAsFromScratch(self, day):
        """The profiles after the incremental refresh of ``day`` are those of a rebuild, and
        so are the day's segment sizes (updated from the changes, counted by the rebuild)."""
        incremental = self._figures()
        history = self._history()
        snapshot = self._snapshot(day)
        self.engine._drop_state()
        self._refresh(day)
        self.env.cr.execute("SELECT COUNT(*) FROM member_marketing_refresh")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the rebuild finds nothing to change")
        self.assertEqual(self._figures(), incremental)
        self.assertEqual(self._history(), history)
        self.assertEqual(self._snapshot(day), snapshot)
        return incremental

    def test_window_edges_move_by_one_day(self):
        self._refresh()
        before = self._figures()
        for days in (1, 2, 16):
            day = self.today + timedelta(days=days)
            self._refresh(day)
            self.assertEqual(self._full_day(), self.today, "incremental refresh")
            figures = self._figures()
            self.assertEqual(self.assertSameAsFromScratch(day), figures)
            # back on the incremental path from the rebuilt state
            self.engine._drop_state()
            self._refresh()
        self.assertEqual(self._figures(), before)
        # the edges did move: the 30-day new member is no longer new, the 365-day one lost
        # its oldest purchase from the RFM window
        self._refresh(self.today + timedelta(days=1))
        figures = self._figures()
        self.assertEqual(
            before["new, 30 days ago"]["lifecycle_segment_id"], self._lifecycle("new_high").id
        )
        self.assertNotEqual(
            figures["new, 30 days ago"]["lifecycle_segment_id"], self._lifecycle("new_high").id
        )
        # F 2 (3 of 10 members below: 1 + 5 * 3 // 10), then F 1 (the lowest, shared)
        self.assertEqual(before["rfm, 365 days edge"]["rfm_frequency"], 2)
        self.assertEqual(figures["rfm, 365 days edge"]["rfm_frequency"], 1)

    def test_late_refund_and_cancelled_orders(self):
        self._refresh()
        tomorrow = self.today + timedelta(days=1)
        # an order of 200 days ago synced late, a refund, a cancellation, a new purchase
        insert_orders(self.env, self._member_named("late sync"), [(200, 90.0)], self.today)
        insert_orders(self.env, self._member_named("refunded"), [(0, -220.0)], self.today)
        self._write_orders(self._member_named("cancelled"), state="cancel")
        insert_orders(self.env, self._member_named("single"), [(-1, 70.0)], self.today)
        self._refresh(tomorrow)
        self.assertEqual(self._full_day(), self.today, "incremental refresh")
        figures = self.assertSameAsFromScratch(tomorrow)
        late = figures["late sync"]
        self.assertEqual(late["order_count"], 2)
        self.assertEqual(late["first_order_date"], self.today - timedelta(days=200))
        self.assertEqual(figures["refunded"]["order_count"], 2, "a refund is no purchase")
        self.assertEqual(figures["single"]["order_count"], 2)
        self.assertEqual(figures["single"]["recency_days"], 0)
        self.assertNotIn("cancelled", figures)

    def test_member_without_purchases_loses_profile(self):
        """A member whose purchases all disappear has no profile any more (as one who never
        bought), and leaves their segments in the history."""
        member = self._member_named("cancelled")
        self._refresh()
        profile = self._profile(member)
        lifecycle, rfm = profile.lifecycle_segment_id, profile.rfm_segment_id
        self.assertTrue(lifecycle and rfm)
        self._write_orders(member, state="cancel")
        tomorrow = self.today + timedelta(days=1)
        self._refresh(tomorrow)
        self.assertFalse(self._profile(member))
        self.assertFalse(member.lifecycle_segment_id)
        left = self.env["member.segment.history"].search(
            [("partner_id", "=", member.id), ("date", "=", tomorrow)]
        )
        self.assertEqual(
            sorted(
                (row.segment_type, row.segment_id.id, row.previous_segment_id.id) for row in left
            ),
            [("lifecycle", False, lifecycle.id), ("rfm", False, rfm.id)],
        )
        snapshot = self.env["member.segment.snapshot"].search(
            [("date", "=", tomorrow), ("segment_id", "=", lifecycle.id)]
        )
        self.assertEqual(snapshot.member_count, lifecycle.member_count)

    def test_deleted_segment(self):
        """Deleting a segment its members are in: the next refresh puts them in the segment
        they match now (no history row pointing to the deleted one) and counts them there."""
        member = self._member_named("single")
        self._refresh()
        segment = self._profile(member).lifecycle_segment_id
        self.assertTrue(segment)
        segment.unlink()
        tomorrow = self.today + timedelta(days=1)
        self._refresh(tomorrow)
        entered = self.env["member.segment.history"].search(
            [("partner_id", "=", member.id), ("date", "=", tomorrow)]
        )
        new_segment = self._profile(member).lifecycle_segment_id
        self.assertEqual(
            [(row.segment_type, row.segment_id, row.previous_segment_id) for row in entered],
            [("lifecycle", new_segment, self.env["member.segment"])] if new_segment else [],
        )
        self.assertNotIn(segment.id, self.env["member.segment.snapshot"].search([]).segment_id.ids)

    def test_deleted_orders(self):
        """Orders deleted by SQL are logged: the next incremental refresh removes the
        profile."""
        member = self._member_named("single")
        self._refresh()
        self.assertTrue(self._profile(member))
        self.env.cr.execute("DELETE FROM pos_order WHERE partner_id = %s", [member.id])
        self._refresh(self.today + timedelta(days=1))
        self.assertEqual(self._full_day(), self.today, "incremental refresh")
        self.assertFalse(self._profile(member))

    def test_empty_state_rebuilds(self):
        """An empty state (its unlogged tables after a crash: emptied, the log with them)
        is rebuilt from every order."""
        self._refresh()
        before = self._figures()
        self.env.cr.execute(
            SQL(
                "TRUNCATE %s, %s, %s",
                SQL.identifier(STATE_TABLE),
                SQL.identifier(STATE_META_TABLE),
                SQL.identifier(CHANGE_LOG_TABLE),
            )
        )
        tomorrow = self.today + timedelta(days=1)
        self._refresh(tomorrow)
        self.assertEqual(self._full_day(), tomorrow, "rebuilt")
        self.assertEqual(self.assertSameAsFromScratch(tomorrow).keys(), before.keys())

    def _profile_rows(self):
        """Each profile's values and physical row (a rewritten row moves to a new ctid)."""
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, ctid::text, %s FROM member_marketing_profile"
                " WHERE partner_id = ANY(%s) ORDER BY partner_id",
                SQL(", ").join(
                    SQL.identifier(name)
                    for name in [*PROFILE_FIGURES, "refresh_date"]
                    if name not in ("recency_days", "churn_ratio")
                ),
                self.members.ids,
            )
        )
        return self.env.cr.fetchall()

    def _rebuild(self, day):
        """A full rebuild (no state: new windows or time zone, a crash), forced for ``day``."""
        self.engine._drop_state()
        self._refresh(day)
        self.assertEqual(self._full_day(), day, "rebuilt")

    def test_rebuild_of_unchanged_orders_writes_nothing(self):
        """A rebuild rereads every order but writes only what changed: over unchanged orders,
        no history row, and every profile row left as it was."""
        self._refresh()
        history = self._history()
        profiles = self._profile_rows()
        self._rebuild(self.today)
        self.assertEqual(self._history(), history)
        self.assertEqual(self._profile_rows(), profiles, "no profile rewritten")
        # the next day, the rebuild writes what the incremental refresh writes
        tomorrow = self.today + timedelta(days=1)
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT before_tomorrow")
        incremental = self._written(tomorrow)
        self.assertEqual(self._full_day(), self.today, "incremental refresh")
        self.assertTrue(incremental[0], "the window edges moved")
        self.env.flush_all()
        self.env.cr.execute("ROLLBACK TO SAVEPOINT before_tomorrow")
        self.env.invalidate_all(flush=False)
        self.env.registry.clear_cache()
        self.engine._drop_state()
        self.assertEqual(self._written(tomorrow), incremental)
        self.assertEqual(self._full_day(), tomorrow, "rebuilt")

    def _written(self, day):
        """Refresh ``day``: the members whose profile was written, the history, the
        profiles."""
        self._refresh(day)
        self.env.cr.execute("SELECT partner_id FROM member_marketing_refresh ORDER BY 1")
        return self.env.cr.fetchall(), self._history(), self._figures()

    def test_incremental_catches_orders_changed_by_sql(self):
        """Orders changed by raw SQL (no write date: an amount, a member reassigned, an
        order deleted, one inserted) are logged by the triggers: the next incremental refresh
        catches them (figures, segments, history) as a rebuild would."""
        member = self._member_named("new, 30 days ago")
        loyal, regular = self._member_named("loyal"), self._member_named("regular")
        single, late = self._member_named("single"), self._member_named("late sync")
        self._refresh()
        new_high, new_low = self._lifecycle("new_high"), self._lifecycle("new_low")
        self.assertEqual(self._profile(member).lifecycle_segment_id, new_high)
        cr = self.env.cr
        cr.execute("UPDATE pos_order SET amount_total = 120 WHERE partner_id = %s", [member.id])
        # the loyal member's last order goes to the regular member
        cr.execute(
            "UPDATE pos_order SET partner_id = %s WHERE id = (SELECT MAX(id) FROM pos_order"
            " WHERE partner_id = %s)",
            [regular.id, loyal.id],
        )
        cr.execute("DELETE FROM pos_order WHERE partner_id = %s", [single.id])
        cr.execute(
            """INSERT INTO pos_order (company_id, session_id, name, amount_tax, amount_total,
                                      amount_paid, amount_return, partner_id, date_order, state)
               SELECT company_id, session_id, 'MM-TEST/SQL', 0, 75, 75, 0, partner_id,
                      date_order + INTERVAL '5 days', 'paid'
                 FROM pos_order WHERE partner_id = %s""",
            [late.id],
        )
        self._refresh()
        self.assertEqual(self._full_day(), self.today, "incremental refresh")
        figures = self._figures()
        self.assertEqual(figures[member.name]["amount_total"], 120.0)
        self.assertEqual(figures[member.name]["lifecycle_segment_id"], new_low.id)
        self.assertEqual(figures["loyal"]["order_count"], 1)
        self.assertEqual(figures["regular"]["order_count"], 5)
        self.assertNotIn("single", figures)
        self.assertEqual(figures["late sync"]["order_count"], 2)
        self.assertEqual(figures["late sync"]["amount_total"], 225.0)
        changes = self.env["member.segment.history"].search(
            [("partner_id", "=", member.id), ("segment_type", "=", "lifecycle")]
        )
        self.assertEqual(
            [(row.previous_segment_id, row.segment_id, row.date) for row in changes],
            [(new_high, new_low, self.today), (self.env["member.segment"], new_high, self.today)],
        )
        self.assertSameAsFromScratch(self.today)

    def test_paid_to_done_is_not_logged(self):
        """A write that changes no purchase (an order going from paid to done at the session
        closing, another field) logs nothing; one that does logs the member once."""
        member = self._member_named("regular")
        self._refresh()
        cr = self.env.cr
        cr.execute(
            "UPDATE pos_order SET state = 'done', general_note = 'x' WHERE partner_id = %s",
            [member.id],
        )
        cr.execute(SQL("SELECT partner_id FROM %s", SQL.identifier(CHANGE_LOG_TABLE)))
        self.assertEqual(cr.fetchall(), [])
        cr.execute("UPDATE pos_order SET state = 'cancel' WHERE partner_id = %s", [member.id])
        cr.execute(SQL("SELECT partner_id FROM %s", SQL.identifier(CHANGE_LOG_TABLE)))
        self.assertEqual(cr.fetchall(), [(member.id,)])
