import logging
from datetime import datetime

import pytz

from odoo import api, models
from odoo.tools import SQL

from .member_segment import TICKET_SQL

_logger = logging.getLogger(__name__)

# POS order states that count as a purchase
PURCHASE_STATES = ("paid", "done", "invoiced")
# a refund (negative total) is no purchase: it counts neither as an order nor as a conversion
# (same predicate as the partial index on pos_order, so that the index stays usable)
PURCHASE_FILTER = SQL(
    "o.partner_id IS NOT NULL AND o.state IN %s AND o.amount_total >= 0", PURCHASE_STATES
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
            in_window = SQL("age <= %s", window) if window else SQL("TRUE")
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
                        "WHEN r.r BETWEEN %s AND %s AND r.f BETWEEN %s AND %s THEN %s",
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
        cr.execute("DROP TABLE IF EXISTS member_marketing_refresh")
        # One pass over the purchases, in the order of the partial index on pos_order (member,
        # day), so neither the LAG window nor the per-member aggregate sorts anything. The gap
        # between two orders of the same day is NULL, so the median (percentile_cont ignores
        # NULLs) is taken over the intervals between distinct purchase days. Quintiles use
        # CUME_DIST so that ties share a score.
        cr.execute(
            SQL(
                """
            CREATE TEMP TABLE member_marketing_refresh ON COMMIT DROP AS
            WITH purchases AS (
                SELECT p.partner_id, (%(today)s::date - p.day) AS age, p.amount,
                       NULLIF(p.day - LAG(p.day) OVER (PARTITION BY p.partner_id ORDER BY p.day),
                              0) AS gap
                  FROM (%(source)s) p
            ), agg AS (
                SELECT partner_id, MIN(age) AS recency, MAX(age) AS first_age,
                       COUNT(*)::int AS order_count, SUM(amount) AS amount_total,
                       COUNT(gap) + 1 AS n_days,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap,
                       COUNT(*) FILTER (WHERE age <= %(rfm_window)s) AS rfm_f,
                       SUM(amount) FILTER (WHERE age <= %(rfm_window)s) AS rfm_m
                       %(window_sums)s
                  FROM purchases GROUP BY partner_id
            ), stats_interval AS (
                SELECT a.*,
                       CASE WHEN a.n_days >= %(min_purchases)s
                            THEN GREATEST(a.median_gap, 1)
                            ELSE %(default_interval)s END AS usual_interval
                       %(window_columns)s
                  FROM agg a
            ), stats AS (
                SELECT u.*, ROUND((u.recency / u.usual_interval)::numeric, 2) AS churn_ratio
                  FROM stats_interval u
            ), rfm AS (
                SELECT partner_id,
                       CEIL(CUME_DIST() OVER (ORDER BY recency DESC) * 5 - 1e-9)::int AS r,
                       CEIL(CUME_DIST() OVER (ORDER BY rfm_f) * 5 - 1e-9)::int AS f,
                       CEIL(CUME_DIST() OVER (ORDER BY rfm_m) * 5 - 1e-9)::int AS m
                  FROM agg WHERE rfm_f > 0
            )
            SELECT s.partner_id, s.recency, s.first_age, s.order_count,
                   s.amount_total::float8 AS amount_total,
                   s.usual_interval::float8 AS usual_interval,
                   s.churn_ratio::float8 AS churn_ratio, r.r, r.f, r.m,
                   %(lifecycle_case)s AS lifecycle_id,
                   %(rfm_case)s AS rfm_id
              FROM stats s LEFT JOIN rfm r ON r.partner_id = s.partner_id
            """,
                today=today,
                source=self._get_purchase_source(today),
                rfm_window=rfm_window,
                window_sums=SQL("").join(window_sums),
                window_columns=SQL("").join(window_columns),
                min_purchases=min_purchases,
                default_interval=float(default_interval),
                lifecycle_case=lifecycle_case,
                rfm_case=rfm_case,
            )
        )
        member_count = cr.rowcount
        # a temp table has no statistics until analyzed: without them the joins below misplan
        cr.execute("ANALYZE member_marketing_refresh")
        uid = self.env.uid
        # one pass over (new, current) for both segment types
        cr.execute(
            SQL(
                """
            INSERT INTO member_segment_history
                   (partner_id, segment_type, segment_id, previous_segment_id, date,
                    create_uid, create_date, write_uid, write_date)
            SELECT n.partner_id, c.segment_type, c.segment_id, c.previous_id, %(today)s,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM member_marketing_refresh n
              LEFT JOIN member_marketing_profile p ON p.partner_id = n.partner_id
             CROSS JOIN LATERAL (
                    VALUES ('lifecycle', n.lifecycle_id, p.lifecycle_segment_id),
                           ('rfm', n.rfm_id, p.rfm_segment_id)
             ) c (segment_type, segment_id, previous_id)
             WHERE c.segment_id IS DISTINCT FROM c.previous_id
            """,
                today=today,
                uid=uid,
            )
        )
        self._write_profiles(today)
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
                    SELECT lifecycle_segment_id AS segment_id, COUNT(*) AS n
                      FROM member_marketing_profile GROUP BY lifecycle_segment_id
                    UNION ALL
                    SELECT rfm_segment_id, COUNT(*)
                      FROM member_marketing_profile GROUP BY rfm_segment_id
              ) c ON c.segment_id = s.id
             WHERE s.active
            ON CONFLICT (date, segment_id) DO UPDATE SET member_count = EXCLUDED.member_count
            """,
                today=today,
                uid=uid,
            )
        )
        self.env["member.marketing.profile"].invalidate_model()
        self.env["member.segment.history"].invalidate_model()
        self.env["member.segment.snapshot"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            ["marketing_profile_ids", "lifecycle_segment_id", "rfm_segment_id"]
        )
        _logger.info("Segment refresh for %s: %s members", today, member_count)
        return member_count

    @api.model
    def _write_profiles(self, today):
        """Write the refreshed figures to ``member_marketing_profile``: insert the new members'
        profiles and update only the profiles whose figures changed (an unchanged row costs no
        write, no index update and no dead tuple). ``refresh_date`` is the day of the last
        change."""
        cr = self.env.cr
        uid = self.env.uid
        cr.execute(
            SQL(
                """
            INSERT INTO member_marketing_profile
                   (partner_id, lifecycle_segment_id, rfm_segment_id, first_order_date,
                    last_order_date, recency_days, order_count, amount_total,
                    rfm_recency, rfm_frequency, rfm_monetary,
                    median_interval_days, churn_ratio, refresh_date,
                    create_uid, create_date, write_uid, write_date)
            SELECT n.partner_id, n.lifecycle_id, n.rfm_id, %(today)s::date - n.first_age,
                   %(today)s::date - n.recency, n.recency, n.order_count, n.amount_total,
                   n.r, n.f, n.m, n.usual_interval, n.churn_ratio, %(today)s,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM member_marketing_refresh n
             WHERE NOT EXISTS (
                    SELECT 1 FROM member_marketing_profile p WHERE p.partner_id = n.partner_id)
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
                   recency_days = n.recency,
                   order_count = n.order_count,
                   amount_total = n.amount_total,
                   rfm_recency = n.r,
                   rfm_frequency = n.f,
                   rfm_monetary = n.m,
                   median_interval_days = n.usual_interval,
                   churn_ratio = n.churn_ratio,
                   refresh_date = %(today)s,
                   write_uid = %(uid)s,
                   write_date = NOW() AT TIME ZONE 'UTC'
              FROM member_marketing_refresh n
             WHERE p.partner_id = n.partner_id
               AND (p.lifecycle_segment_id, p.rfm_segment_id, p.first_order_date,
                    p.last_order_date, p.recency_days, p.order_count, p.amount_total,
                    p.rfm_recency, p.rfm_frequency, p.rfm_monetary,
                    p.median_interval_days, p.churn_ratio)
                   IS DISTINCT FROM
                   (n.lifecycle_id, n.rfm_id, %(today)s::date - n.first_age,
                    %(today)s::date - n.recency, n.recency, n.order_count, n.amount_total,
                    n.r, n.f, n.m, n.usual_interval, n.churn_ratio)
            """,
                today=today,
                uid=uid,
            )
        )

    @api.model
    def _cron_refresh(self):
        self._refresh()
