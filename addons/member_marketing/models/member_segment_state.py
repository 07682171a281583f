from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

from .member_segment_engine import (
    PURCHASE_FILTER,
    STATE_FILLFACTOR,
    STATE_META_TABLE,
    STATE_TABLE,
)


class MemberSegmentState(models.AbstractModel):
    """The segment engine's state: the figures of every member with purchases as of the last
    refresh, in the engine's own table, rebuilt from every order or updated from the orders
    changed (logged), entering or leaving a window since (see
    ``member.segment.engine._refresh``)."""

    _inherit = "member.segment.engine"

    @api.model
    def _get_fresh_figures(self, today, rfm_window, windows, partner_ids=None):
        """SQL of one row per member with purchases (all members, or ``partner_ids``): the
        figures of their orders up to ``today``, in one pass over the purchases in member and
        day order (the partial index on pos_order: no sort, no hashing). The window counts and
        amounts as of ``today`` stay valid until an order changes or enters or leaves a
        window (see ``_get_changed_partners`` and ``_get_leaving_purchases``). The gap
        between two orders of the same day is NULL (ignored by the median interval). Windows
        compare days with constants (no age computed per purchase)."""
        source = self._get_purchase_source(today)

        def sums(window):
            in_window = SQL("g.day >= %s::date", today - timedelta(days=window))
            return (
                SQL("(COUNT(*) FILTER (WHERE %s))::int", in_window),
                SQL("SUM(g.amount) FILTER (WHERE %s)", in_window),
            )

        window_sums = []
        for window in windows:
            # window 0: every purchase
            count, amount = sums(window) if window else (SQL("COUNT(*)::int"), SQL("SUM(g.amount)"))
            window_sums.append(
                SQL(
                    ", %s AS %s, %s AS %s",
                    count,
                    SQL.identifier(f"wcnt_{window}"),
                    amount,
                    SQL.identifier(f"wamt_{window}"),
                )
            )
        rfm_count, rfm_amount = sums(rfm_window)
        members = SQL("TRUE")
        if partner_ids is not None:
            members = SQL("p.partner_id = ANY(%s)", partner_ids)
        return SQL(
            """
            SELECT g.partner_id, MIN(g.day) AS first_day, MAX(g.day) AS last_day,
                   COUNT(*)::int AS order_count, SUM(g.amount) AS amount_total,
                   %(rfm_count)s AS rfm_f, %(rfm_amount)s AS rfm_m,
                   (COUNT(g.gap) + 1)::int AS n_days,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY g.gap) AS median_gap
                   %(window_sums)s
              FROM (
                SELECT p.partner_id, p.day, p.amount,
                       NULLIF(p.day - LAG(p.day) OVER (PARTITION BY p.partner_id ORDER BY p.day),
                              0) AS gap
                  FROM (%(source)s) p
                 WHERE %(members)s
              ) g
             GROUP BY g.partner_id
            """,
            rfm_count=rfm_count,
            rfm_amount=rfm_amount,
            window_sums=SQL("").join(window_sums),
            source=source,
            members=members,
        )

    @api.model
    def _get_purchase_day_ranges(self, ranges):
        """SQL condition on ``o.date_order``: a local day in one of the ``[start, stop)``
        ranges of days (the expression of the day index on pos_order)."""
        if not ranges:
            return SQL("FALSE")
        day = self._get_local_day(SQL("o.date_order"))
        return SQL(
            "(%s)",
            SQL(" OR ").join(
                SQL("(%s >= %s AND %s < %s)", day, start, day, stop) for start, stop in ranges
            ),
        )

    @api.model
    def _get_changed_partners(self, last_day, today):
        """SQL of the members whose figures must be recomputed from their orders since the
        refresh of ``last_day``: the members whose purchases changed, as logged by the
        triggers on pos_order and taken off the log by this refresh
        (``member_marketing_refresh_logged``, see ``_consume_change_log``), and the members
        with purchases on the days after ``last_day`` up to ``today``. Hook for bridges that
        change ``_get_purchase_source`` (with ``_get_leaving_purchases``): add the members
        whose other purchases changed (``UNION`` with ``super()``)."""
        entering = []
        if today > last_day:
            entering.append((last_day + timedelta(days=1), today + timedelta(days=1)))
        return SQL(
            """
            SELECT partner_id FROM member_marketing_refresh_logged
            UNION
            SELECT o.partner_id FROM pos_order o WHERE %(purchase)s AND %(entering)s
            """,
            purchase=PURCHASE_FILTER,
            entering=self._get_purchase_day_ranges(entering),
        )

    @api.model
    def _get_leaving_purchases(self, last_day, today, windows):
        """SQL of the purchases that leave one of the ``windows`` (days) when the day moves
        from ``last_day`` to ``today`` (their day lies in ``[last_day - window, today -
        window)``): one row (partner_id, window, amount) per purchase and window it leaves,
        each window an index-only range of the day index."""
        parts = [
            SQL(
                "SELECT o.partner_id, %s AS window_days, o.amount_total AS amount"
                " FROM pos_order o WHERE %s AND %s",
                window,
                PURCHASE_FILTER,
                self._get_purchase_day_ranges(
                    [(last_day - timedelta(days=window), today - timedelta(days=window))]
                ),
            )
            for window in sorted(set(windows))
            if window and today > last_day
        ]
        if not parts:
            return SQL("SELECT NULL::int AS partner_id, 0 AS window_days, 0 AS amount LIMIT 0")
        return SQL(" UNION ALL ").join(parts)

    @api.model
    def _get_state_meta(self):
        """The state's signature, day, day of the last full rebuild, scoring signature and RFM
        bounds (a dict), None without a state (tables missing, or emptied by a crash)."""
        cr = self.env.cr
        cr.execute(SQL("SELECT to_regclass(%s), to_regclass(%s)", STATE_TABLE, STATE_META_TABLE))
        if not all(cr.fetchone()):
            return None
        cr.execute(SQL("SELECT * FROM %s", SQL.identifier(STATE_META_TABLE)))
        return cr.dictfetchone()

    @api.model
    def _drop_state(self):
        """Forget the state of the last refresh: the next one rebuilds it from every order."""
        for table in (STATE_TABLE, STATE_META_TABLE):
            self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))

    @api.model
    def _build_state(self, today, rfm_window, windows):
        """Full rebuild: the state of every member with purchases from every order, next to
        their current profile. Profiles without purchases any more go to the removed table."""
        cr = self.env.cr
        self._drop_state()
        # the columns every pass over the state reads (scoring candidates, RFM bounds) first:
        # a row is decoded up to the last column read
        cr.execute(
            SQL(
                """
            CREATE UNLOGGED TABLE %(state)s WITH (fillfactor = %(fillfactor)s) AS
            SELECT n.partner_id,
                   (p.id IS NULL
                    OR (p.order_count, p.amount_total, p.first_order_date, p.last_order_date,
                        p.purchase_days, p.median_gap)
                       IS DISTINCT FROM (n.order_count, n.amount_total, n.first_day, n.last_day,
                                         n.n_days, n.median_gap)) AS pending,
                   n.last_day, n.first_day, p.median_interval_days AS usual_interval,
                   n.rfm_f, n.rfm_m, n.order_count, n.amount_total, n.n_days, n.median_gap
                   %(window_columns)s,
                   p.lifecycle_segment_id AS lifecycle_id, p.rfm_segment_id AS rfm_id,
                   p.rfm_recency AS r_score, p.rfm_frequency AS f_score,
                   p.rfm_monetary AS m_score
              FROM (%(fresh)s) n
              LEFT JOIN member_marketing_profile p ON p.partner_id = n.partner_id
            """,
                state=SQL.identifier(STATE_TABLE),
                fillfactor=STATE_FILLFACTOR,
                window_columns=SQL("").join(
                    SQL(", n.%s, n.%s", SQL.identifier(f"wcnt_{w}"), SQL.identifier(f"wamt_{w}"))
                    for w in windows
                ),
                fresh=self._get_fresh_figures(today, rfm_window, windows),
            )
        )
        cr.execute(SQL("ALTER TABLE %s ADD PRIMARY KEY (partner_id)", SQL.identifier(STATE_TABLE)))
        self._create_removed_table(
            SQL(
                "NOT EXISTS (SELECT 1 FROM %s s WHERE s.partner_id = p.partner_id)",
                SQL.identifier(STATE_TABLE),
            )
        )

    @api.model
    def _create_removed_table(self, condition):
        """The profiles of the members whose purchases all disappeared (``condition`` on the
        profile ``p``), with their segments: ``member_marketing_refresh_removed``."""
        self.env.cr.execute(
            SQL(
                """
            CREATE TEMP TABLE member_marketing_refresh_removed ON COMMIT DROP AS
            SELECT p.partner_id, p.lifecycle_segment_id AS lifecycle_id,
                   p.rfm_segment_id AS rfm_id
              FROM member_marketing_profile p
             WHERE %s
            """,
                condition,
            )
        )

    @api.model
    def _update_state(self, today, rfm_window, windows, last_day):
        """Incremental: recompute the state of the members whose orders changed or entered
        the refresh range since the last refresh, and take the purchases that left a
        window off the window counts and amounts of the others; the rest keep theirs. The
        members touched are in ``member_marketing_refresh_touched``. Returns the number of
        members taken off the state per segment they were in (segment id: count)."""
        cr = self.env.cr
        state = SQL.identifier(STATE_TABLE)
        cr.execute(
            SQL(
                "SELECT ARRAY(SELECT DISTINCT partner_id FROM (%s) c)",
                self._get_changed_partners(last_day, today),
            )
        )
        changed_ids = cr.fetchone()[0]
        cr.execute(
            SQL(
                "CREATE TEMP TABLE member_marketing_refresh_fresh ON COMMIT DROP AS %s",
                self._get_fresh_figures(today, rfm_window, windows, changed_ids),
            )
        )
        figures = ["first_day", "last_day", "order_count", "amount_total", "rfm_f", "rfm_m"]
        figures += ["n_days", "median_gap"]
        for window in windows:
            figures += [f"wcnt_{window}", f"wamt_{window}"]
        profile_figures = ("order_count", "amount_total", "first_day", "last_day", "n_days")
        profile_figures += ("median_gap",)

        def row(prefix, names):
            return SQL(
                "(%s)",
                SQL(", ").join(SQL("%s.%s", SQL(prefix), SQL.identifier(name)) for name in names),
            )

        cr.execute(
            SQL(
                """
            INSERT INTO %(state)s AS s (partner_id, %(columns)s, pending)
            SELECT n.partner_id, %(n_columns)s, TRUE FROM member_marketing_refresh_fresh n
            ON CONFLICT (partner_id) DO UPDATE
               SET %(assign)s,
                   pending = s.pending OR %(s_profile)s IS DISTINCT FROM %(ex_profile)s
             WHERE %(s_columns)s IS DISTINCT FROM %(ex_columns)s
            """,
                state=state,
                columns=SQL(", ").join(SQL.identifier(name) for name in figures),
                n_columns=SQL(", ").join(SQL("n.%s", SQL.identifier(name)) for name in figures),
                assign=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in figures
                ),
                s_profile=row("s", profile_figures),
                ex_profile=row("EXCLUDED", profile_figures),
                s_columns=row("s", figures),
                ex_columns=row("EXCLUDED", figures),
            )
        )
        # purchases leaving a window: off the counts and amounts of the members not recomputed
        leaving = [(f"wcnt_{window}", f"wamt_{window}", window) for window in windows if window] + [
            ("rfm_f", "rfm_m", rfm_window)
        ]
        # a few thousand members: their rows by primary key, not a scan of the state
        cr.execute("SET LOCAL enable_mergejoin = off")
        cr.execute(
            SQL(
                """
            CREATE TEMP TABLE member_marketing_refresh_touched ON COMMIT DROP AS
            WITH leaving AS (
                SELECT l.partner_id %(sums)s
                  FROM (%(leaving)s) l
                 WHERE NOT EXISTS (SELECT 1 FROM member_marketing_refresh_fresh n
                                    WHERE n.partner_id = l.partner_id)
                 GROUP BY l.partner_id
            ), updated AS (
                UPDATE %(state)s s SET %(assign)s
                  FROM leaving l WHERE s.partner_id = l.partner_id
             RETURNING s.partner_id
            )
            SELECT partner_id FROM updated
             UNION
            SELECT partner_id FROM member_marketing_refresh_fresh
            """,
                sums=SQL("").join(
                    SQL(
                        ", COUNT(*) FILTER (WHERE %(in)s)::int AS %(cnt)s,"
                        " SUM(l.amount) FILTER (WHERE %(in)s) AS %(amt)s",
                        cnt=SQL.identifier(count),
                        amt=SQL.identifier(amount),
                        **{"in": SQL("l.window_days = %s", window)},
                    )
                    for count, amount, window in leaving
                ),
                leaving=self._get_leaving_purchases(
                    last_day, today, [window for _count, _amount, window in leaving]
                ),
                state=state,
                assign=SQL(", ").join(
                    SQL(
                        "%(cnt)s = s.%(cnt)s - COALESCE(l.%(cnt)s, 0),"
                        " %(amt)s = CASE WHEN s.%(cnt)s - COALESCE(l.%(cnt)s, 0) > 0"
                        " THEN s.%(amt)s - COALESCE(l.%(amt)s, 0) END",
                        cnt=SQL.identifier(count),
                        amt=SQL.identifier(amount),
                    )
                    for count, amount, _window in leaving
                ),
            )
        )
        cr.execute("SET LOCAL enable_mergejoin TO DEFAULT")
        # members whose purchases all disappeared (cancelled, refunded away, deleted)
        cr.execute("SELECT partner_id FROM member_marketing_refresh_fresh")
        removed_ids = list(set(changed_ids) - {row[0] for row in cr.fetchall()})
        self._create_removed_table(SQL("p.partner_id = ANY(%s)", removed_ids))
        cr.execute(
            SQL(
                """
            WITH removed AS (
                DELETE FROM %s WHERE partner_id = ANY(%s) RETURNING lifecycle_id, rfm_id
            )
            SELECT segment_id, COUNT(*)
              FROM removed CROSS JOIN LATERAL (VALUES (lifecycle_id), (rfm_id)) c (segment_id)
             WHERE segment_id IS NOT NULL
             GROUP BY segment_id
            """,
                state,
                removed_ids,
            )
        )
        return dict(cr.fetchall())

    @api.model
    def _save_state_meta(self, **values):
        cr = self.env.cr
        meta = SQL.identifier(STATE_META_TABLE)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", meta))
        cr.execute(
            SQL(
                """CREATE UNLOGGED TABLE %s (signature varchar, state_day date, full_day date,
                   scoring varchar, r_bounds date[], f_bounds int[], m_bounds numeric[],
                   segment_counts jsonb)""",
                meta,
            )
        )
        columns = list(values)
        cr.execute(
            SQL(
                "INSERT INTO %s (%s) VALUES (%s)",
                meta,
                SQL(", ").join(SQL.identifier(column) for column in columns),
                SQL(", ").join(SQL("%s", values[column]) for column in columns),
            )
        )
