import logging
from datetime import datetime

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from .member_profile import REFRESH_DATE_PARAM
from .member_segment import TICKET_SQL

_logger = logging.getLogger(__name__)

# POS order states that count as a purchase
PURCHASE_STATES = ("paid", "done", "invoiced")
# a refund (negative total) is no purchase: it counts neither as an order nor as a conversion
# (same predicate as the partial index on pos_order, so that the index stays usable)
PURCHASE_FILTER = SQL(
    "o.partner_id IS NOT NULL AND o.state IN %s AND o.amount_total >= 0", PURCHASE_STATES
)
# planner settings while the refresh reads the purchases (see _refresh)
PURCHASE_SCAN_SETTINGS = (
    ("random_page_cost", "1.1"),
    ("enable_seqscan", "off"),
    ("enable_hashagg", "off"),
)
# pg advisory lock key: one segment refresh at a time across workers and servers
REFRESH_LOCK_KEY = 7_000_742
# time zone of purchase days and quiet hours when the company has none
DEFAULT_TIMEZONE = "Asia/Shanghai"


class MemberSegmentEngine(models.AbstractModel):
    """Set-based segment refresh: a handful of SQL statements whatever the number of members.

    Hooks for bridges (member_loyalty, store_chain): ``_get_purchase_source`` returns the SQL of
    the purchases (partner_id, day, amount), ``_get_refresh_date`` the reference day.
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
    def _get_refresh_date(self):
        return datetime.now(pytz.timezone(self._get_timezone())).date()

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
    def _lifecycle_condition(self, segment):
        """SQL condition over the ``stats`` row for one lifecycle segment."""
        conds = []
        count = SQL.identifier(f"cnt_{segment.id}")
        avg = SQL.identifier(f"avg_{segment.id}")
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
                    "s.%s %s %s",
                    avg,
                    SQL(TICKET_SQL[segment.ticket_operator]),
                    segment.ticket_amount,
                )
            )
        if segment.churn_ratio_min:
            conds.append(SQL("s.churn_ratio >= %s", segment.churn_ratio_min))
        return SQL(" AND ").join(conds) if conds else SQL("TRUE")

    @api.model
    def _refresh(self, today=None):
        """Recompute every member's lifecycle and RFM segment and churn risk.

        Writes ``member_marketing_profile`` (current state), one ``member_segment_history`` row
        per change and the day's ``member_segment_snapshot``. Returns the number of members.
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

        # one count and amount per distinct window (segments often share one), exposed to the
        # rules as cnt_<segment id> / avg_<segment id>
        windows = sorted({segment.window_days or 0 for segment in lifecycle})
        window_sums = [SQL("")]
        for window in windows:
            if not window:
                # no window: all the member's purchases, already counted and summed
                window_sums.append(SQL(", COUNT(*)::int AS wcnt_0, SUM(s.amount) AS wamt_0"))
                continue
            in_window = SQL("age <= %s", window)
            window_sums.append(
                SQL(
                    ", COUNT(*) FILTER (WHERE %(w)s) AS %(cnt)s,"
                    " SUM(amount) FILTER (WHERE %(w)s) AS %(amt)s",
                    w=in_window,
                    cnt=SQL.identifier(f"wcnt_{window}"),
                    amt=SQL.identifier(f"wamt_{window}"),
                )
            )
        window_columns = [SQL("")]
        for segment in lifecycle:
            window = segment.window_days or 0
            window_columns.append(
                SQL(
                    ", a.%(wcnt)s AS %(cnt)s, a.%(wamt)s / NULLIF(a.%(wcnt)s, 0) AS %(avg)s",
                    wcnt=SQL.identifier(f"wcnt_{window}"),
                    wamt=SQL.identifier(f"wamt_{window}"),
                    cnt=SQL.identifier(f"cnt_{segment.id}"),
                    avg=SQL.identifier(f"avg_{segment.id}"),
                )
            )
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
        for table in ("member_marketing_refresh", "member_marketing_refresh_agg"):
            cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
        cr.execute("DROP TABLE IF EXISTS member_marketing_refresh_median")
        # 1. One pass over the purchases (index-only scan of the partial index on pos_order,
        # already grouped by member: no sort), one row per member with the figures that need
        # no ordering, next to the member's current profile. A member is "dirty" when their
        # purchases changed since the last refresh (count, amount, first or last day).
        cr.execute(
            SQL(
                """
            CREATE TEMP TABLE member_marketing_refresh_agg ON COMMIT DROP AS
            SELECT a.*, p.id AS profile_id,
                   p.lifecycle_segment_id AS prev_lifecycle_id, p.rfm_segment_id AS prev_rfm_id,
                   p.rfm_recency AS prev_r, p.rfm_frequency AS prev_f, p.rfm_monetary AS prev_m,
                   p.median_interval_days AS prev_interval,
                   p.purchase_days AS prev_days, p.median_gap AS prev_median,
                   (p.id IS NULL OR p.purchase_days IS NULL
                    OR (p.order_count, p.amount_total, p.first_order_date, p.last_order_date)
                       IS DISTINCT FROM (a.order_count, a.amount_total,
                                         %(today)s::date - a.first_age,
                                         %(today)s::date - a.recency)) AS dirty
              FROM (
                SELECT s.partner_id, MIN(s.age) AS recency, MAX(s.age) AS first_age,
                       COUNT(*)::int AS order_count, SUM(s.amount) AS amount_total,
                       COUNT(*) FILTER (WHERE s.age <= %(rfm_window)s) AS rfm_f,
                       SUM(s.amount) FILTER (WHERE s.age <= %(rfm_window)s) AS rfm_m
                       %(window_sums)s
                  FROM (SELECT p.partner_id, %(today)s::date - p.day AS age, p.amount
                          FROM (%(source)s) p) s
                 GROUP BY s.partner_id
              ) a
              LEFT JOIN member_marketing_profile p ON p.partner_id = a.partner_id
            """,
                today=today,
                source=self._get_purchase_source(today),
                rfm_window=rfm_window,
                window_sums=SQL("").join(window_sums),
            )
        )
        member_count = cr.rowcount
        cr.execute("SELECT partner_id FROM member_marketing_refresh_agg WHERE dirty")
        dirty_ids = [row[0] for row in cr.fetchall()]
        # 2. The median interval between distinct purchase days (a LAG window and a
        # percentile_cont) only for the dirty members: on a normal day, those who bought since
        # the last refresh. The gap between two orders of the same day is NULL (ignored).
        cr.execute(
            SQL(
                """
            CREATE TEMP TABLE member_marketing_refresh_median ON COMMIT DROP AS
            SELECT g.partner_id, COUNT(g.gap) + 1 AS n_days,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY g.gap) AS median_gap
              FROM (
                SELECT p.partner_id,
                       NULLIF(p.day - LAG(p.day) OVER (PARTITION BY p.partner_id ORDER BY p.day),
                              0) AS gap
                  FROM (%(source)s) p
                 WHERE p.partner_id = ANY(%(dirty)s)
              ) g
             GROUP BY g.partner_id
            """,
                source=self._get_purchase_source(today),
                dirty=dirty_ids,
            )
        )
        for setting, _value in PURCHASE_SCAN_SETTINGS:
            cr.execute(SQL("SET LOCAL %s TO DEFAULT", SQL.identifier(setting)))
        cr.execute("SET LOCAL enable_mergejoin = off")
        # 3. Scores and segments of every member (quintiles with CUME_DIST, so that ties share
        # a score), and whether anything stored changed.
        cr.execute(
            SQL(
                """
            CREATE TEMP TABLE member_marketing_refresh ON COMMIT DROP AS
            WITH scored AS (
                SELECT partner_id, recency, rfm_f, rfm_m
                  FROM member_marketing_refresh_agg WHERE rfm_f > 0
            ), r_dist AS (
                -- CUME_DIST from a histogram of the values (a few hundred distinct recencies
                -- and frequencies): hashing instead of sorting every member
                SELECT recency, SUM(COUNT(*)) OVER (ORDER BY recency DESC)
                                / SUM(COUNT(*)) OVER () AS cume
                  FROM scored GROUP BY recency
            ), f_dist AS (
                SELECT rfm_f, SUM(COUNT(*)) OVER (ORDER BY rfm_f) / SUM(COUNT(*)) OVER () AS cume
                  FROM scored GROUP BY rfm_f
            ), m_dist AS (
                SELECT rfm_m, SUM(COUNT(*)) OVER (ORDER BY rfm_m) / SUM(COUNT(*)) OVER () AS cume
                  FROM scored GROUP BY rfm_m
            ), scores AS (
                SELECT sc.partner_id,
                       CEIL(rd.cume * 5 - 1e-9)::int AS r,
                       CEIL(fd.cume * 5 - 1e-9)::int AS f,
                       CEIL(md.cume * 5 - 1e-9)::int AS m
                  FROM scored sc
                  JOIN r_dist rd ON rd.recency = sc.recency
                  JOIN f_dist fd ON fd.rfm_f = sc.rfm_f
                  JOIN m_dist md ON md.rfm_m = sc.rfm_m
            ), base AS (
                SELECT a.*, sc.r, sc.f, sc.m,
                       CASE WHEN a.dirty THEN m.n_days ELSE a.prev_days END AS n_days,
                       CASE WHEN a.dirty THEN m.median_gap ELSE a.prev_median END AS median_gap
                  FROM member_marketing_refresh_agg a
                  LEFT JOIN member_marketing_refresh_median m ON m.partner_id = a.partner_id
                  LEFT JOIN scores sc ON sc.partner_id = a.partner_id
            ), stats_interval AS (
                SELECT a.*,
                       CASE WHEN a.n_days >= %(min_purchases)s
                            THEN GREATEST(a.median_gap, 1)
                            ELSE %(default_interval)s END AS usual_interval
                       %(window_columns)s
                  FROM base a
            ), stats AS (
                SELECT u.*, ROUND((u.recency / u.usual_interval)::numeric, 2) AS churn_ratio
                  FROM stats_interval u
            ), result AS MATERIALIZED (
                -- computed once: the segment CASEs are read twice below
                SELECT s.partner_id, s.profile_id, s.dirty, s.recency, s.first_age,
                       s.order_count, s.amount_total, s.n_days, s.median_gap,
                       s.usual_interval::float8 AS usual_interval,
                       s.r, s.f, s.m,
                       %(lifecycle_case)s AS lifecycle_id,
                       %(rfm_case)s AS rfm_id,
                       s.prev_lifecycle_id, s.prev_rfm_id, s.prev_r, s.prev_f, s.prev_m,
                       s.prev_interval
                  FROM stats s
            )
            SELECT n.*,
                   n.profile_id IS NOT NULL AND (n.dirty
                       OR (n.lifecycle_id, n.rfm_id, n.r, n.f, n.m, n.usual_interval)
                          IS DISTINCT FROM (n.prev_lifecycle_id, n.prev_rfm_id, n.prev_r,
                                            n.prev_f, n.prev_m, n.prev_interval)) AS changed
              FROM result n
            """,
                min_purchases=min_purchases,
                default_interval=float(default_interval),
                window_columns=SQL("").join(window_columns),
                lifecycle_case=lifecycle_case,
                rfm_case=rfm_case,
            )
        )
        cr.execute("SET LOCAL enable_mergejoin TO DEFAULT")
        uid = self.env.uid
        # 4. one pass over the new state for both segment types (the previous one is in it)
        cr.execute(
            SQL(
                """
            INSERT INTO member_segment_history
                   (partner_id, segment_type, segment_id, previous_segment_id, date,
                    create_uid, create_date, write_uid, write_date)
            SELECT n.partner_id, c.segment_type, c.segment_id, c.previous_id, %(today)s,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM member_marketing_refresh n
             CROSS JOIN LATERAL (
                    VALUES ('lifecycle', n.lifecycle_id, n.prev_lifecycle_id),
                           ('rfm', n.rfm_id, n.prev_rfm_id)
             ) c (segment_type, segment_id, previous_id)
             WHERE (n.lifecycle_id IS DISTINCT FROM n.prev_lifecycle_id
                    OR n.rfm_id IS DISTINCT FROM n.prev_rfm_id)
               AND c.segment_id IS DISTINCT FROM c.previous_id
            """,
                today=today,
                uid=uid,
            )
        )
        self._write_profiles(today)
        # 5. the day's segment sizes, from the new state (members with purchases)
        cr.execute(
            SQL(
                """
            INSERT INTO member_segment_snapshot
                   (date, segment_id, segment_type, member_count,
                    create_uid, create_date, write_uid, write_date)
            SELECT %(today)s, s.id, s.segment_type, COALESCE(c.n, 0),
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM member_segment s
              LEFT JOIN (
                    SELECT COALESCE(lifecycle_id, rfm_id) AS segment_id, COUNT(*) AS n
                      FROM member_marketing_refresh
                     GROUP BY GROUPING SETS ((lifecycle_id), (rfm_id))
              ) c ON c.segment_id = s.id
             WHERE s.active
            ON CONFLICT (date, segment_id) DO UPDATE SET member_count = EXCLUDED.member_count
            """,
                today=today,
                uid=uid,
            )
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
    def _set_figures_date(self, today):
        """Record the day of this refresh: the profiles' day-dependent figures refer to it."""
        icp = self.env["ir.config_parameter"].sudo()
        if icp.get_param(REFRESH_DATE_PARAM) != fields.Date.to_string(today):
            icp.set_param(REFRESH_DATE_PARAM, fields.Date.to_string(today))

    @api.model
    def _write_profiles(self, today):
        """Write the refreshed figures to ``member_marketing_profile``: insert the new members'
        profiles and update only the profiles whose stored figures changed (an unchanged row
        costs no write, no index update and no dead tuple). ``refresh_date`` is the day of the
        last change."""
        cr = self.env.cr
        uid = self.env.uid
        cr.execute(
            SQL(
                """
            INSERT INTO member_marketing_profile
                   (partner_id, lifecycle_segment_id, rfm_segment_id, first_order_date,
                    last_order_date, order_count, amount_total,
                    rfm_recency, rfm_frequency, rfm_monetary, purchase_days, median_gap,
                    median_interval_days, refresh_date,
                    create_uid, create_date, write_uid, write_date)
            SELECT n.partner_id, n.lifecycle_id, n.rfm_id, %(today)s::date - n.first_age,
                   %(today)s::date - n.recency, n.order_count, n.amount_total,
                   n.r, n.f, n.m, n.n_days, n.median_gap, n.usual_interval, %(today)s,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM member_marketing_refresh n
             WHERE n.profile_id IS NULL
            ON CONFLICT (partner_id) DO NOTHING
            """,
                today=today,
                uid=uid,
            )
        )
        cr.execute(
            SQL(
                """
            UPDATE member_marketing_profile p
               SET lifecycle_segment_id = n.lifecycle_id,
                   rfm_segment_id = n.rfm_id,
                   first_order_date = %(today)s::date - n.first_age,
                   last_order_date = %(today)s::date - n.recency,
                   order_count = n.order_count,
                   amount_total = n.amount_total,
                   rfm_recency = n.r,
                   rfm_frequency = n.f,
                   rfm_monetary = n.m,
                   purchase_days = n.n_days,
                   median_gap = n.median_gap,
                   median_interval_days = n.usual_interval,
                   refresh_date = %(today)s,
                   write_uid = %(uid)s,
                   write_date = NOW() AT TIME ZONE 'UTC'
              FROM member_marketing_refresh n
             WHERE n.changed AND p.id = n.profile_id
            """,
                today=today,
                uid=uid,
            )
        )

    @api.model
    def _cron_refresh(self):
        self._refresh()
