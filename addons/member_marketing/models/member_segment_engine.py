import json
import logging
from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from .member_profile import REFRESH_DATE_PARAM
from .member_segment import TICKET_SQL

_logger = logging.getLogger(__name__)

# POS order states that count as a purchase
PURCHASE_STATES = ("paid", "done", "invoiced")


def purchase_filter(alias=None):
    """SQL condition: the pos_order row (``alias``, else unqualified columns) is a member's
    purchase. A refund (negative total) is no purchase: it counts neither as an order nor as a
    conversion. One predicate for the partial indexes on pos_order (so that they stay usable),
    the refresh and the change log triggers."""
    prefix = SQL("%s.", SQL.identifier(alias)) if alias else SQL("")
    return SQL(
        "%(p)spartner_id IS NOT NULL AND %(p)sstate IN %(states)s AND %(p)samount_total >= 0",
        p=prefix,
        states=PURCHASE_STATES,
    )


PURCHASE_FILTER = purchase_filter("o")
# planner settings while the refresh reads the purchases (see _refresh)
PURCHASE_SCAN_SETTINGS = (
    ("random_page_cost", "1.1"),
    ("enable_seqscan", "off"),
    ("enable_hashagg", "off"),
)
# pg advisory lock key: one segment refresh at a time across workers and servers
REFRESH_LOCK_KEY = 7_000_742
# the engine's own tables: the figures of every member with purchases as of the last refresh,
# and that refresh's signature, day and day of the last full rebuild (see _refresh)
STATE_TABLE = "member_marketing_segment_state"
STATE_META_TABLE = "member_marketing_segment_state_meta"
# the members whose purchases changed since the last refresh, appended by triggers on pos_order
# (see member_segment_change_log.py)
CHANGE_LOG_TABLE = "member_marketing_order_change"
CHANGE_LOG_FUNCTION = "member_marketing_log_order_change"
CHANGE_LOG_TRIGGERS = {
    "INSERT": "member_marketing_order_inserted",
    "UPDATE": "member_marketing_order_updated",
    "DELETE": "member_marketing_order_deleted",
}
# this transaction's working tables
REFRESH_TEMP_TABLES = (
    "member_marketing_refresh",
    "member_marketing_refresh_fresh",
    "member_marketing_refresh_logged",
    "member_marketing_refresh_removed",
    "member_marketing_refresh_touched",
)
# free room in the state's pages: a member's figures are updated in place (HOT)
STATE_FILLFACTOR = 70
# part of the signature: a new layout of the state table rebuilds it (3: changes logged by
# triggers; the first refresh after the update rebuilds, the log being empty before; 4: the
# columns the passes over the state read come first; 5: ties share the lowest RFM score, every
# member scored again)
STATE_VERSION = 5
# time zone of purchase days and quiet hours when the company has none
DEFAULT_TIMEZONE = "Asia/Shanghai"


class MemberSegmentEngine(models.AbstractModel):
    """Set-based segment refresh: a handful of SQL statements whatever the number of members.

    Hooks for bridges (member_loyalty, store_chain): ``_get_purchase_source`` returns the SQL of
    the purchases (partner_id, day, amount), ``_get_changed_partners`` the members whose
    purchases may have changed since the last refresh (override both together),
    ``_get_refresh_date`` the reference day.
    """

    _name = "member.segment.engine"
    _description = "Member Segment Engine"

    @api.model
    def _get_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(f"member_marketing.{key}")
        try:
            return type(default)(value) if value not in (None, False, "") else default
        except ValueError:
            return default

    @api.model
    def _get_timezone(self, company=None):
        """The chain's local time zone: the company's, else the configured default (never the
        current user's: the cron runs as a technical user)."""
        company = company or self.env.company
        self.env["res.partner"].flush_model(["tz"])
        # plain SQL: also runs from pos.order's init(), before res_partner has this module's
        # columns (an ORM read of the partner would select them)
        self.env.cr.execute(
            SQL(
                "SELECT p.tz FROM res_company c JOIN res_partner p ON p.id = c.partner_id"
                " WHERE c.id = %s",
                company.id,
            )
        )
        row = self.env.cr.fetchone()
        for name in (row and row[0], self._get_param("timezone", DEFAULT_TIMEZONE)):
            if name in pytz.all_timezones_set:
                return name
        return DEFAULT_TIMEZONE

    @api.model
    def _get_local_day(self, column, timezone=None):
        """SQL of the local day of a UTC timestamp column (same expression as the index)."""
        return SQL(
            "((%s AT TIME ZONE 'UTC') AT TIME ZONE %s)::date",
            column,
            timezone or self._get_timezone(),
        )

    @api.model
    def _get_chain_date(self, timestamp=None, company=None):
        """The chain's day (``_get_timezone``) of a UTC ``timestamp`` (default: now)."""
        local = self.with_context(tz=self._get_timezone(company))
        return fields.Date.context_today(local, timestamp)

    @api.model
    def _get_refresh_date(self):
        return self._get_chain_date()

    @api.model
    def _get_purchase_source(self, today):
        """SQL returning one row per purchase: partner_id, day, amount (hook for bridges)."""
        return SQL(
            """
            SELECT o.partner_id, %(day)s AS day, o.amount_total AS amount
              FROM pos_order o
             WHERE %(purchase)s
               AND o.date_order < ((%(today)s::date + 1)::timestamp AT TIME ZONE %(tz)s)
                                  AT TIME ZONE 'UTC'
            """,
            day=self._get_local_day(SQL("o.date_order")),
            tz=self._get_timezone(),
            purchase=PURCHASE_FILTER,
            today=today,
        )

    @api.model
    def _get_windows(self, lifecycle):
        """The distinct purchase windows (days) of the lifecycle rules; 0: all purchases."""
        return sorted({segment.window_days or 0 for segment in lifecycle} | {0})

    @api.model
    def _lifecycle_condition(self, segment):
        """SQL condition over the scored state row ``s`` for one lifecycle segment."""
        conds = []
        window = segment.window_days or 0
        count = SQL.identifier(f"wcnt_{window}")
        avg = SQL("(s.%s / NULLIF(s.%s, 0))", SQL.identifier(f"wamt_{window}"), count)
        if segment.first_purchase_max_days:
            conds.append(SQL("s.first_age <= %s", segment.first_purchase_max_days))
        if segment.min_orders:
            conds.append(SQL("s.%s >= %s", count, segment.min_orders))
        if segment.max_orders:
            conds.append(SQL("s.%s <= %s", count, segment.max_orders))
        if segment.recency_min_days:
            conds.append(SQL("s.recency >= %s", segment.recency_min_days))
        if segment.recency_max_days:
            conds.append(SQL("s.recency <= %s", segment.recency_max_days))
        if segment.ticket_operator:
            conds.append(
                SQL(
                    "%s %s %s",
                    avg,
                    SQL(TICKET_SQL[segment.ticket_operator]),
                    segment.ticket_amount,
                )
            )
        if segment.churn_ratio_min:
            conds.append(SQL("s.churn_ratio >= %s", segment.churn_ratio_min))
        return SQL(" AND ").join(conds) if conds else SQL("TRUE")

    @api.model
    def _get_rfm_bounds(self):
        """The number of members with purchases, and the four quintile bounds of R (last
        purchase day), F and M over the members with purchases in the RFM window. A member's
        score is 1 + the number of bounds their value exceeds: the same as
        1 + FLOOR(5 * (RANK() - 1) / N), the share of members strictly below them, so that
        ties share the lowest score (the many members who bought once are the least frequent,
        not the middle quintile), from three sorts of the state instead of a histogram of
        every distinct value."""
        cr = self.env.cr
        state = SQL.identifier(STATE_TABLE)
        cr.execute(SQL("SELECT COUNT(*) FILTER (WHERE rfm_f > 0), COUNT(*) FROM %s", state))
        total, members = cr.fetchone()
        if not total:
            return members, None
        # score > k <=> 5 * (members strictly below the value) >= k * total <=> the value
        # exceeds the c-th smallest, c = ceil(k * total / 5); percentile_disc at
        # (c - 0.5) / total returns exactly that one
        fractions = [((k * total + 4) // 5 - 0.5) / total for k in range(1, 5)]
        cr.execute(
            SQL(
                """
            SELECT percentile_disc(%(p)s::float8[]) WITHIN GROUP (ORDER BY last_day),
                   percentile_disc(%(p)s::float8[]) WITHIN GROUP (ORDER BY rfm_f),
                   percentile_disc(%(p)s::float8[]) WITHIN GROUP (ORDER BY rfm_m)
              FROM %(state)s WHERE rfm_f > 0
            """,
                p=fractions,
                state=state,
            )
        )
        return members, cr.fetchone()

    @api.model
    def _score_candidates(self, today, lifecycle, meta, bounds):
        """SQL condition on the state row ``t``: the member's result may differ from the one
        of the previous refresh (a superset of the members whose result changed)."""
        previous = meta["state_day"]
        conds = [
            SQL("t.pending"),
            SQL("t.partner_id IN (SELECT partner_id FROM member_marketing_refresh_touched)"),
        ]
        if today > previous:
            # a day threshold is crossed when the day moves from `previous` to `today`
            for column, thresholds in (
                ("last_day", {s.recency_min_days for s in lifecycle}),
                ("last_day", {s.recency_max_days for s in lifecycle}),
                ("first_day", {s.first_purchase_max_days for s in lifecycle}),
            ):
                conds.extend(
                    SQL(
                        "t.%s BETWEEN %s AND %s",
                        SQL.identifier(column),
                        previous - timedelta(days=days + 1),
                        today - timedelta(days=days),
                    )
                    for days in thresholds
                    if days
                )
            conds.extend(
                SQL(
                    "((%(today)s::date - t.last_day) / t.usual_interval >= %(low)s"
                    " AND (%(previous)s::date - t.last_day) / t.usual_interval < %(high)s)",
                    today=today,
                    previous=previous,
                    low=ratio - 0.01,
                    high=ratio + 0.01,
                )
                for ratio in {s.churn_ratio_min for s in lifecycle}
                if ratio
            )
        # RFM: a score changes when its value lies between the previous and the new bound
        for column, key, new_bounds in zip(
            ("last_day", "rfm_f", "rfm_m"),
            ("r_bounds", "f_bounds", "m_bounds"),
            bounds,
            strict=True,
        ):
            conds.extend(
                SQL("t.%s BETWEEN %s AND %s", SQL.identifier(column), min(old, new), max(old, new))
                for old, new in zip(meta[key], new_bounds, strict=True)
                if old != new
            )
        return SQL("(%s)", SQL(" OR ").join(conds))

    @api.model
    def _score_sql(self, column, bounds):
        if not bounds:
            return SQL("NULL::integer")
        return SQL(
            "CASE WHEN t.rfm_f > 0 THEN 1 + %s END",
            SQL(" + ").join(SQL("(t.%s > %s)::int", SQL.identifier(column), b) for b in bounds),
        )

    @api.model
    def _refresh(self, today=None):
        """Recompute every member's lifecycle and RFM segment and churn risk.

        The engine keeps the figures of every member with purchases between refreshes
        (``STATE_TABLE``): a refresh recomputes them only for the members whose orders changed
        or entered or left a window since the last refresh (``_get_changed_partners``: the
        members logged by the triggers on pos_order, whoever changed their orders), then
        scores every member from that table in one pass and writes only what changed. The
        state is rebuilt from every order the first time, when the windows, the RFM window or
        the time zone change, for an earlier day, and when the state is missing or empty (an
        unlogged table after a crash, or ``_drop_state``).

        Writes ``member_marketing_profile`` (current state; a member without purchases has
        none), one ``member_segment_history`` row per change (a NULL new segment when the
        member's purchases all disappeared) and the day's ``member_segment_snapshot``. Returns
        the number of members with purchases.
        """
        today = today or self._get_refresh_date()
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", REFRESH_LOCK_KEY))
        if not cr.fetchone()[0]:
            _logger.info("Segment refresh already running elsewhere; skipped")
            return 0
        self.env.flush_all()
        Segment = self.env["member.segment"].sudo()
        lifecycle = Segment.search([("segment_type", "=", "lifecycle")])
        rfm_segments = Segment.search([("segment_type", "=", "rfm")])
        rfm_window = self._get_param("rfm_window_days", 365)
        min_purchases = self._get_param("churn_min_purchases", 3)
        default_interval = max(self._get_param("churn_default_interval", 30), 1)
        windows = self._get_windows(lifecycle)
        signature = repr((STATE_VERSION, windows, rfm_window, self._get_timezone()))
        # sorts and hashes of a chain's history fit in memory (this transaction only)
        # JIT compilation costs more than it saves on these plans (measured at 200k members)
        cr.execute("SET LOCAL work_mem = '64MB'")
        cr.execute("SET LOCAL jit = off")
        # The covering index holds each purchase's local day, in member order: computing the
        # day per row (two time zone conversions) after a sequential scan and hashing costs
        # 3-10x, but the planner prefers that plan as soon as part of pos_order is not yet
        # all-visible (recent orders not vacuumed yet): SSD-like page costs, no sequential
        # scan, no hashing of the purchases keep the index-ordered plan.
        for setting, value in PURCHASE_SCAN_SETTINGS:
            cr.execute(SQL("SET LOCAL %s = %s", SQL.identifier(setting), SQL(value)))
        for table in REFRESH_TEMP_TABLES:
            cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
        # an empty meta table (unlogged: emptied by a crash, as the state and the log) is no
        # state either
        meta = self._get_state_meta()
        if meta and meta.get("signature") == signature and meta["state_day"] <= today:
            # the log first: the orders read next include the changes of the members taken
            self._consume_change_log()
            removed = self._update_state(today, rfm_window, windows, meta["state_day"])
            full_day = meta["full_day"]
            # the segment sizes of the previous refresh, less the members taken off the state
            counts = meta.get("segment_counts")
            if counts is not None:
                counts = {int(key): count for key, count in counts.items()}
                for segment_id, count in removed.items():
                    counts[segment_id] = counts.get(segment_id, 0) - count
        else:
            self._consume_change_log(keep=False)
            self._build_state(today, rfm_window, windows)
            meta = counts = None
            full_day = today
        for setting, _value in PURCHASE_SCAN_SETTINGS:
            cr.execute(SQL("SET LOCAL %s TO DEFAULT", SQL.identifier(setting)))
        # the passes over the state (a few tens of MB in memory) cost less than starting
        # parallel workers
        cr.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        member_count, scoring, bounds = self._score(
            today, lifecycle, rfm_segments, min_purchases, default_interval, meta
        )
        counts = self._write_changes(today, counts)
        cr.execute("SET LOCAL max_parallel_workers_per_gather TO DEFAULT")
        self._save_state_meta(
            signature=signature,
            state_day=today,
            full_day=full_day,
            scoring=scoring,
            r_bounds=bounds and bounds[0],
            f_bounds=bounds and bounds[1],
            m_bounds=bounds and bounds[2],
            segment_counts=json.dumps(counts),
        )
        self._set_figures_date(today)
        self.env["member.marketing.profile"].invalidate_model()
        self.env["member.segment.history"].invalidate_model()
        self.env["member.segment.snapshot"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            ["marketing_profile_ids", "lifecycle_segment_id", "rfm_segment_id"]
        )
        _logger.info("Segment refresh for %s: %s members", today, member_count)
        return member_count

    @api.model
    def _score(self, today, lifecycle, rfm_segments, min_purchases, default_interval, meta):
        """Score the members of the state in one pass (day-dependent rules, RFM bounds) and
        keep in ``member_marketing_refresh`` the members whose segments, scores, usual
        interval or figures changed. After an incremental update (``meta``: the previous
        refresh) only the members whose result may have changed are scored: recomputed
        figures, a day threshold of a rule crossed since the previous refresh, a value
        between a previous and a new RFM bound; every member when the rules changed.
        Returns the number of members with purchases, the scoring signature and the bounds."""
        lifecycle_case = SQL("NULL::integer")
        if lifecycle:
            lifecycle_case = SQL(
                "CASE %s END",
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", self._lifecycle_condition(segment), segment.id)
                    for segment in lifecycle
                ),
            )
        rfm_case = SQL("NULL::integer")
        if rfm_segments:
            rfm_case = SQL(
                "CASE %s END",
                SQL(" ").join(
                    SQL(
                        "WHEN s.r BETWEEN %s AND %s AND s.f BETWEEN %s AND %s THEN %s",
                        seg.r_min,
                        seg.r_max,
                        seg.f_min,
                        seg.f_max,
                        seg.id,
                    )
                    for seg in rfm_segments
                ),
            )
        member_count, bounds = self._get_rfm_bounds()
        r_bounds, f_bounds, m_bounds = bounds or (None, None, None)
        scoring = repr(
            (
                lifecycle_case.code,
                lifecycle_case.params,
                rfm_case.code,
                rfm_case.params,
                min_purchases,
                default_interval,
            )
        )
        candidates = SQL("TRUE")
        if meta and meta.get("scoring") == scoring and bounds and meta.get("r_bounds"):
            candidates = self._score_candidates(today, lifecycle, meta, bounds)
        self.env.cr.execute(
            SQL(
                """
            CREATE TEMP TABLE member_marketing_refresh ON COMMIT DROP AS
            SELECT * FROM (
                SELECT s.partner_id, s.pending, s.r, s.f, s.m, s.new_interval AS usual_interval,
                       s.first_day, s.last_day, s.order_count, s.amount_total, s.n_days,
                       s.median_gap,
                       s.lifecycle_id AS prev_lifecycle_id, s.rfm_id AS prev_rfm_id,
                       s.r_score AS prev_r, s.f_score AS prev_f, s.m_score AS prev_m,
                       s.prev_interval,
                       %(lifecycle_case)s AS new_lifecycle_id, %(rfm_case)s AS new_rfm_id
                  FROM (
                    SELECT u.*, ROUND((u.recency / u.new_interval)::numeric, 2) AS churn_ratio
                      FROM (
                        SELECT t.*, t.usual_interval AS prev_interval,
                               %(today)s::date - t.last_day AS recency,
                               %(today)s::date - t.first_day AS first_age,
                               %(r)s AS r, %(f)s AS f, %(m)s AS m,
                               (CASE WHEN t.n_days >= %(min_purchases)s
                                     THEN GREATEST(t.median_gap, 1)
                                     ELSE %(default_interval)s END)::float8 AS new_interval
                          FROM %(state)s t
                         WHERE %(candidates)s
                      ) u
                     OFFSET 0
                  ) s
            ) n
             WHERE n.pending
                OR (n.new_lifecycle_id, n.new_rfm_id, n.r, n.f, n.m, n.usual_interval)
                   IS DISTINCT FROM (n.prev_lifecycle_id, n.prev_rfm_id, n.prev_r, n.prev_f,
                                     n.prev_m, n.prev_interval)
            """,
                today=today,
                state=SQL.identifier(STATE_TABLE),
                r=self._score_sql("last_day", r_bounds),
                f=self._score_sql("rfm_f", f_bounds),
                m=self._score_sql("rfm_m", m_bounds),
                min_purchases=min_purchases,
                default_interval=float(default_interval),
                lifecycle_case=lifecycle_case,
                rfm_case=rfm_case,
                candidates=candidates,
            )
        )
        return member_count, scoring, bounds

    @api.model
    def _write_changes(self, today, counts=None):
        """History, profiles, state and the day's snapshot from the changed and removed
        members (an unchanged member costs no write). ``counts``: the number of members of
        the state per segment before these changes (segment id: count; None: count the
        state). Returns the new counts."""
        cr = self.env.cr
        uid = self.env.uid
        state = SQL.identifier(STATE_TABLE)
        # a few changes (a day's): the partners and state rows below are looked up by key,
        # not hashed or merged whole; many (a rebuild): planned from the table's statistics
        cr.execute("SELECT COUNT(*) FROM member_marketing_refresh")
        few = cr.fetchone()[0] < 50_000
        if not few:
            cr.execute("ANALYZE member_marketing_refresh")
        joins = ("enable_hashjoin", "enable_mergejoin") if few else ()
        for setting in joins:
            cr.execute(SQL("SET LOCAL %s = off", SQL.identifier(setting)))
        # a member deleted meanwhile gets no history nor profile (their orders lost their
        # partner: logged, the next refresh takes them off the state)
        cr.execute(
            """
            DELETE FROM member_marketing_refresh n
             WHERE NOT EXISTS (SELECT 1 FROM res_partner p WHERE p.id = n.partner_id)
            """
        )
        # one pass over the changes for both segment types (the previous one is in them)
        cr.execute(
            SQL(
                """
            INSERT INTO member_segment_history
                   (partner_id, segment_type, segment_id, previous_segment_id, date)
            SELECT n.partner_id, c.segment_type, c.segment_id, c.previous_id, %(today)s
              FROM (SELECT partner_id, new_lifecycle_id AS lifecycle_id, new_rfm_id AS rfm_id,
                           prev_lifecycle_id, prev_rfm_id
                      FROM member_marketing_refresh
                     UNION ALL
                    SELECT partner_id, NULL, NULL, lifecycle_id, rfm_id
                      FROM member_marketing_refresh_removed) n
             CROSS JOIN LATERAL (
                    VALUES ('lifecycle', n.lifecycle_id, n.prev_lifecycle_id),
                           ('rfm', n.rfm_id, n.prev_rfm_id)
             ) c (segment_type, segment_id, previous_id)
             WHERE c.segment_id IS DISTINCT FROM c.previous_id
            """,
                today=today,
            )
        )
        cr.execute(
            SQL(
                """
            UPDATE %(state)s s
               SET lifecycle_id = n.new_lifecycle_id, rfm_id = n.new_rfm_id,
                   r_score = n.r, f_score = n.f, m_score = n.m,
                   usual_interval = n.usual_interval, pending = FALSE
              FROM member_marketing_refresh n
             WHERE s.partner_id = n.partner_id
            """,
                state=state,
            )
        )
        for setting in joins:
            cr.execute(SQL("SET LOCAL %s TO DEFAULT", SQL.identifier(setting)))
        cr.execute(
            SQL(
                """
            INSERT INTO member_marketing_profile AS p
                   (partner_id, lifecycle_segment_id, rfm_segment_id, first_order_date,
                    last_order_date, order_count, amount_total,
                    rfm_recency, rfm_frequency, rfm_monetary, purchase_days, median_gap,
                    median_interval_days, refresh_date)
            SELECT n.partner_id, n.new_lifecycle_id, n.new_rfm_id, n.first_day, n.last_day,
                   n.order_count, n.amount_total, n.r, n.f, n.m,
                   n.n_days, n.median_gap, n.usual_interval, %(today)s
              FROM member_marketing_refresh n
            ON CONFLICT (partner_id) DO UPDATE
               SET lifecycle_segment_id = EXCLUDED.lifecycle_segment_id,
                   rfm_segment_id = EXCLUDED.rfm_segment_id,
                   first_order_date = EXCLUDED.first_order_date,
                   last_order_date = EXCLUDED.last_order_date,
                   order_count = EXCLUDED.order_count,
                   amount_total = EXCLUDED.amount_total,
                   rfm_recency = EXCLUDED.rfm_recency,
                   rfm_frequency = EXCLUDED.rfm_frequency,
                   rfm_monetary = EXCLUDED.rfm_monetary,
                   purchase_days = EXCLUDED.purchase_days,
                   median_gap = EXCLUDED.median_gap,
                   median_interval_days = EXCLUDED.median_interval_days,
                   refresh_date = EXCLUDED.refresh_date
            """,
                today=today,
            )
        )
        cr.execute(
            """
            DELETE FROM member_marketing_profile p USING member_marketing_refresh_removed r
             WHERE p.partner_id = r.partner_id
            """
        )
        # the day's segment sizes (members with purchases): the previous ones plus the
        # changes, or the new state counted (after a rebuild)
        if counts is None:
            cr.execute(
                SQL(
                    """
                SELECT COALESCE(lifecycle_id, rfm_id), COUNT(*)::int
                  FROM %s
                 GROUP BY GROUPING SETS ((lifecycle_id), (rfm_id))
                HAVING COALESCE(lifecycle_id, rfm_id) IS NOT NULL
                """,
                    state,
                )
            )
            counts = dict(cr.fetchall())
        else:
            cr.execute(
                """
                SELECT c.segment_id, SUM(c.delta)::int
                  FROM member_marketing_refresh n
                 CROSS JOIN LATERAL (
                        VALUES (n.new_lifecycle_id, 1), (n.prev_lifecycle_id, -1),
                               (n.new_rfm_id, 1), (n.prev_rfm_id, -1)
                 ) c (segment_id, delta)
                 WHERE c.segment_id IS NOT NULL
                 GROUP BY c.segment_id
                """
            )
            counts = dict(counts)
            for segment_id, delta in cr.fetchall():
                counts[segment_id] = counts.get(segment_id, 0) + delta
        cr.execute(
            SQL(
                """
            INSERT INTO member_segment_snapshot
                   (date, segment_id, segment_type, member_count,
                    create_uid, create_date, write_uid, write_date)
            SELECT %(today)s, s.id, s.segment_type, COALESCE(c.n, 0),
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM member_segment s
              LEFT JOIN unnest(%(ids)s::int[], %(counts)s::int[]) c (segment_id, n)
                ON c.segment_id = s.id
             WHERE s.active
            ON CONFLICT (date, segment_id) DO UPDATE SET member_count = EXCLUDED.member_count
            """,
                today=today,
                uid=uid,
                ids=list(counts),
                counts=list(counts.values()),
            )
        )
        return counts

    @api.model
    def _set_figures_date(self, today):
        """Record the day of this refresh: the profiles' day-dependent figures refer to it."""
        icp = self.env["ir.config_parameter"].sudo()
        if icp.get_param(REFRESH_DATE_PARAM) != fields.Date.to_string(today):
            icp.set_param(REFRESH_DATE_PARAM, fields.Date.to_string(today))

    @api.model
    def _cron_refresh(self):
        self._refresh()
