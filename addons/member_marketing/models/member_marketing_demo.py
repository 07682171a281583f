import calendar
import logging
import random
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from .member_segment_engine import PURCHASE_FILTER

_logger = logging.getLogger(__name__)

DEMO_PREFIX = "MM-DEMO/"
BENCH_PREFIX = "MM-BENCH/"
# (share of members, shape) of the demo purchase history
DEMO_SHAPES = [(0.2, "new"), (0.35, "regular"), (0.25, "fading"), (0.2, "lost")]
# the demo campaigns started this many days ago; the demo's segment refreshes: one a week over
# this many weeks, then today
DEMO_CAMPAIGN_DAYS = 120
DEMO_REFRESH_WEEKS = 52
# (trigger, shape): the chance that a demo member buys again within the conversion window after
# a send (treatment, control), on top of their usual purchases
DEMO_CONVERSION_RATES = {
    **{("segment_entered", shape): (0.45, 0.2) for _share, shape in DEMO_SHAPES},
    ("birthday", "new"): (0.45, 0.15),
    ("birthday", "regular"): (0.5, 0.1),
    ("birthday", "fading"): (0.4, 0.1),
    ("birthday", "lost"): (0.25, 0.05),
}
DEMO_FIRST_NAMES = ["Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"]
DEMO_GIVEN_NAMES = ["Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Tao", "Xin", "Hui", "Jun"]


class MemberMarketingDemo(models.AbstractModel):
    """Purchase histories for the demo database and the benchmark, inserted in bulk.

    Orders are written with SQL (the ORM is far too slow for a year of a chain's tickets) but
    stay consistent: each order sits in a closed session of its store and has one line and one
    payment whose amounts match the order total.
    """

    _name = "member.marketing.demo"
    _description = "Member Marketing Demo Data Generator"

    # ------------------------------------------------------------------ shared helpers
    @api.model
    def _closed_session(self, config_id, name, start, stop):
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO pos_session (config_id, user_id, name, state, start_at, stop_at,
                                     sequence_number, login_number,
                                     create_uid, create_date, write_uid, write_date)
            VALUES (%(config)s, %(uid)s, %(name)s, 'closed', %(start)s, %(stop)s, 1, 0,
                    %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC')
            RETURNING id
            """,
                config=config_id,
                uid=self.env.uid,
                name=name,
                start=start,
                stop=stop,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _insert_order_details(self, prefix):
        """One line and one payment per order named ``prefix...``, matching its total."""
        product = self.env["product.product"].search(
            [("available_in_pos", "=", True), ("type", "=", "consu")], limit=1
        ) or self.env["product.product"].search([], limit=1)
        uid = self.env.uid
        like = prefix + "%"
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO pos_order_line
                   (order_id, company_id, product_id, name, full_product_name, qty, price_unit,
                    discount, price_subtotal, price_subtotal_incl,
                    create_uid, create_date, write_uid, write_date)
            SELECT o.id, o.company_id, %(product)s, o.name || '-1', %(label)s, 1, o.amount_total,
                   0, o.amount_total, o.amount_total,
                   %(uid)s, o.date_order, %(uid)s, o.date_order
              FROM pos_order o
             WHERE o.name LIKE %(like)s
               AND NOT EXISTS (SELECT 1 FROM pos_order_line l WHERE l.order_id = o.id)
            """,
                product=product.id,
                label=product.display_name,
                uid=uid,
                like=like,
            )
        )
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO pos_payment
                   (pos_order_id, session_id, company_id, payment_method_id, amount,
                    payment_date, is_change, create_uid, create_date, write_uid, write_date)
            SELECT o.id, o.session_id, o.company_id, m.method_id, o.amount_total,
                   o.date_order, FALSE, %(uid)s, o.date_order, %(uid)s, o.date_order
              FROM pos_order o
              JOIN LATERAL (
                    SELECT MIN(r.pos_payment_method_id) AS method_id
                      FROM pos_config_pos_payment_method_rel r
                     WHERE r.pos_config_id = o.config_id
              ) m ON m.method_id IS NOT NULL
             WHERE o.name LIKE %(like)s
               AND NOT EXISTS (SELECT 1 FROM pos_payment p WHERE p.pos_order_id = o.id)
            """,
                uid=uid,
                like=like,
            )
        )

    # ------------------------------------------------------------------ demo database
    @api.model
    def _demo_generate(self, members=160, seed=42):
        """Give the demo database a year of purchases by new, regular, fading and lost members
        across the demo stores, the weekly segment refreshes of that year (segment sizes over
        time, each segment change on its day) and campaigns that already ran, with their
        control groups and conversions. Idempotent: a second call adds nothing."""
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pos_order WHERE name LIKE %s LIMIT 1", [DEMO_PREFIX + "%"])
        if cr.fetchone():
            return False
        configs = self.env["pos.config"].sudo().search([("active", "=", True)])
        if not configs:
            _logger.info("member_marketing demo: no point of sale, no purchase history")
            return False
        rng = random.Random(seed)
        today = self.env["member.segment.engine"]._get_refresh_date()
        partners = self._demo_members(members, rng)
        sessions = self._demo_sessions(configs, today)
        orders = []  # (partner, config, days ago, amount)
        plans = {}
        for partner in partners:
            shape = self._demo_shape(rng)
            config = rng.choice(configs)
            plans[partner.id] = (shape, config)
            for days_ago in self._demo_purchase_days(shape, rng):
                orders.append((partner.id, config, days_ago, round(rng.uniform(60, 420), 2)))
        winback, birthday = self._demo_campaigns()
        sends = self._demo_birthday_sends(birthday, plans, orders, today, rng)
        count = self._demo_insert_orders(orders, sessions, today, rng)
        sends += self._demo_refresh_history(winback, plans, sessions, today, rng, count)
        self._insert_order_details(DEMO_PREFIX)
        self.env["pos.order"].invalidate_model()
        self._demo_insert_sends(sends)
        self.env["member.campaign.send"]._measure(recent_only=False)
        _logger.info("member_marketing demo: %s members, %s sends", len(partners), len(sends))
        return True

    @api.model
    def _demo_shape(self, rng):
        pick = rng.random()
        for share, shape in DEMO_SHAPES:
            if pick < share:
                return shape
            pick -= share
        return DEMO_SHAPES[-1][1]

    @api.model
    def _demo_purchase_days(self, shape, rng):
        """Days ago of a member's purchases, by lifecycle shape, over the last 12 months."""
        if shape == "new":
            first = rng.randint(1, 28)
            days = [first] + (
                [rng.randint(0, first - 1)] if first > 5 and rng.random() < 0.3 else []
            )
            return days
        interval = rng.randint(7, 30)
        if shape == "regular":
            last, first = rng.randint(0, interval), rng.randint(200, 360)
        elif shape == "fading":
            last, first = rng.randint(interval * 2, interval * 3 + 10), rng.randint(220, 360)
        else:
            last, first = rng.randint(interval * 4 + 10, 300), 364
        days, day = [], last
        while day <= first:
            days.append(day)
            day += max(1, int(rng.gauss(interval, interval / 4)))
        return days

    @api.model
    def _demo_members(self, count, rng):
        Partner = self.env["res.partner"].sudo().with_context(tracking_disable=True)
        vals = []
        for index in range(count):
            name = f"{rng.choice(DEMO_FIRST_NAMES)} {rng.choice(DEMO_GIVEN_NAMES)} {index + 1:03d}"
            vals.append(
                {
                    "name": name,
                    "phone": f"+86 138 {rng.randint(1000, 9999)} {index:04d}",
                    "email": f"member{index + 1:03d}@example.com",
                    "lang": "zh_CN" if rng.random() < 0.6 else "en_US",
                    "birthday": fields.Date.today()
                    - timedelta(days=rng.randint(18 * 365, 60 * 365)),
                    "consent_sms": rng.random() < 0.85,
                    "consent_email": rng.random() < 0.6,
                }
            )
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for val in vals:
            if val["lang"] not in installed:
                val["lang"] = self.env.lang or "en_US"
        return Partner.create(vals)

    @api.model
    def _demo_sessions(self, configs, today):
        """One closed session per store and month of the last year: {(config_id, month): id}."""
        sessions = {}
        for config in configs:
            for month in range(13):
                stop = datetime.combine(today - timedelta(days=30 * month), time(23))
                start = stop - timedelta(days=30)
                name = f"{config.name}/{DEMO_PREFIX}{month:02d}"
                sessions[config.id, month] = self._closed_session(config.id, name, start, stop)
        return sessions

    @api.model
    def _demo_insert_orders(self, orders, sessions, today, rng, count=0):
        """Insert ``orders`` [(partner_id, config, days ago, amount)] after the ``count`` demo
        orders already inserted (their names follow on). Returns the new count."""
        rows = []
        for index, (partner_id, config, days_ago, amount) in enumerate(orders, count + 1):
            moment = datetime.combine(
                today - timedelta(days=days_ago), time(rng.randint(1, 12), rng.randint(0, 59))
            )
            session = sessions[config.id, min(days_ago // 30, 12)]
            rows.append(
                SQL(
                    "(%s, %s, %s, %s, %s, %s, 0, %s, %s, 0, %s, %s, 'done', %s, %s, %s)",
                    config.company_id.id,
                    session,
                    config.id,
                    f"{DEMO_PREFIX}{index:06d}",
                    f"{DEMO_PREFIX}{index:06d}",
                    index,
                    amount,
                    amount,
                    partner_id,
                    moment,
                    self.env.uid,
                    moment,
                    moment,
                )
            )
        for start in range(0, len(rows), 1000):
            self.env.cr.execute(
                SQL(
                    """
                INSERT INTO pos_order (company_id, session_id, config_id, name, pos_reference,
                                       sequence_number, amount_tax, amount_total, amount_paid,
                                       amount_return, partner_id, date_order, state, user_id,
                                       create_date, write_date)
                VALUES %s
                """,
                    SQL(", ").join(rows[start : start + 1000]),
                )
            )
        return count + len(rows)

    @api.model
    def _demo_campaigns(self):
        """The win-back (members entering "At risk") and birthday campaigns of the demo,
        running since ``DEMO_CAMPAIGN_DAYS`` days (created when the demo records are gone)."""
        Campaign = self.env["member.campaign"].sudo()
        winback = self.env.ref(
            "member_marketing.member_campaign_winback_demo", raise_if_not_found=False
        )
        birthday = self.env.ref(
            "member_marketing.member_campaign_birthday_demo", raise_if_not_found=False
        )
        if not winback:
            at_risk = self.env.ref(
                "member_marketing.segment_lifecycle_at_risk", raise_if_not_found=False
            )
            winback = Campaign.create(
                {
                    "name": "Win back members at risk",
                    "trigger_type": "segment_entered",
                    "trigger_segment_id": at_risk.id if at_risk else False,
                    "control_percent": 20,
                }
            )
        if not birthday:
            birthday = Campaign.create(
                {"name": "Birthday greeting", "trigger_type": "birthday", "trigger_days": 3}
            )
        started = fields.Datetime.now() - timedelta(days=DEMO_CAMPAIGN_DAYS)
        (winback | birthday).write({"state": "running", "date_start": started})
        return winback, birthday

    @api.model
    def _demo_send(self, campaign, partner, occurrence, day, plans, orders, today, rng):
        """One send of ``campaign`` to ``partner`` queued on ``day``: control or treatment at
        random, skipped without consent. A demo member who got it (or was held out) buys again
        within the conversion window at the rate of their shape and group
        (``DEMO_CONVERSION_RATES``); the purchase is added to ``orders``. Returns (campaign,
        partner_id, occurrence, day, group, state, skip reason)."""
        group = "control" if rng.random() < campaign.control_percent / 100 else "treatment"
        if group == "treatment" and not partner[f"consent_{campaign.channel}"]:
            return (campaign, partner.id, occurrence, day, group, "skipped", "no_consent")
        plan = plans.get(partner.id)
        rates = DEMO_CONVERSION_RATES.get((campaign.trigger_type, plan and plan[0]))
        if rates and rng.random() < rates[group == "control"]:
            days_ago = (today - day).days - rng.randint(1, max(campaign.conversion_days - 1, 1))
            if days_ago >= 0:
                orders.append((partner.id, plan[1], days_ago, round(rng.uniform(80, 380), 2)))
        state = "held" if group == "control" else "sent"
        return (campaign, partner.id, occurrence, day, group, state, False)

    @api.model
    def _demo_birthday_sends(self, campaign, plans, orders, today, rng):
        """The greetings of the birthday campaign since it started, as its cron queued them:
        every member with a birthday from the start to ``trigger_days`` days from today, on
        the day the birthday came within ``trigger_days`` (or the start), under the trigger's
        occurrence, so that its next run greets none of them again. Returns the sends."""
        start = campaign.date_start.date()
        ahead = timedelta(days=max(campaign.trigger_days, 0))
        sends = []
        partners = self.env["res.partner"].sudo().search([("birthday", "!=", False)], order="id")
        for partner in partners:
            for year in (today.year - 1, today.year, today.year + 1):
                born = partner.birthday
                if (born.month, born.day) == (2, 29) and not calendar.isleap(year):
                    birthday = born.replace(year=year, day=28)  # as the trigger greets them
                else:
                    birthday = born.replace(year=year)
                if start <= birthday <= today + ahead:
                    sends.append(
                        self._demo_send(
                            campaign,
                            partner,
                            f"birthday-{year}",
                            max(birthday - ahead, start),
                            plans,
                            orders,
                            today,
                            rng,
                        )
                    )
        return sends

    @api.model
    def _demo_refresh_history(self, campaign, plans, sessions, today, rng, count):
        """Refresh the segments once a week over the year of purchases, then for today, as the
        nightly cron would have: each refresh sees the purchases up to its day only, so that
        the snapshots chart the segment sizes over the year and the history dates each change.
        From its start, the win-back ``campaign`` sends to every member entering its segment
        (the trigger's occurrence: the history row), and its members' extra purchases are
        inserted before the next refresh (``count``: the demo orders so far). Returns the
        sends."""
        engine = self.env["member.segment.engine"]
        segment = campaign.trigger_type == "segment_entered" and campaign.trigger_segment_id
        start = campaign.date_start.date()
        sends, done = [], set()
        weeks = range(DEMO_REFRESH_WEEKS, -1, -1)
        for day in [today - timedelta(weeks=week) for week in weeks]:
            engine._refresh(day)
            if not segment or day < start:
                continue
            self.env.cr.execute(
                SQL(
                    """
                SELECT id, partner_id, date FROM member_segment_history
                 WHERE segment_id = %s AND date >= %s AND date <= %s
                 ORDER BY id
                """,
                    segment.id,
                    start,
                    day,
                )
            )
            entries = [row for row in self.env.cr.fetchall() if row[0] not in done]
            done.update(history_id for history_id, _partner_id, _date in entries)
            partners = self.env["res.partner"].browse(row[1] for row in entries)
            orders = []
            for (history_id, _partner_id, date), partner in zip(entries, partners, strict=True):
                occurrence = f"segment-{history_id}"
                sends.append(
                    self._demo_send(campaign, partner, occurrence, date, plans, orders, today, rng)
                )
            count = self._demo_insert_orders(orders, sessions, today, rng, count)
        return sends

    @api.model
    def _demo_insert_sends(self, sends):
        """Write the ``sends`` (see ``_demo_send``), queued and processed at 02:00 UTC (10:00
        in China) on their day, not before their campaign started nor after now."""
        now = fields.Datetime.now()
        vals = []
        for campaign, partner_id, occurrence, day, group, state, reason in sends:
            moment = min(max(datetime.combine(day, time(2)), campaign.date_start), now)
            vals.append(
                {
                    "campaign_id": campaign.id,
                    "partner_id": partner_id,
                    "occurrence": occurrence,
                    "group_type": group,
                    "channel": campaign.channel,
                    "state": state,
                    "skip_reason": reason,
                    "date_queued": moment,
                    "date_processed": moment,
                }
            )
        self.env["member.campaign.send"].sudo().create(vals)
        self.env.flush_all()

    # ------------------------------------------------------------------ benchmark
    @api.model
    def _bench_generate(self, members, orders, seed=0.42):
        """Build ``members`` members and ``orders`` paid POS orders over the last year with a
        handful of set-based statements (``generate_series``). Orders only: no lines or
        payments, the segment refresh reads ``pos_order`` alone."""
        cr = self.env.cr
        today = self.env["member.segment.engine"]._get_refresh_date()
        config = self.env["pos.config"].sudo().search([], limit=1)
        if not config:
            config = self._bench_config()
        session = self._closed_session(
            config.id,
            f"{BENCH_PREFIX}{fields.Datetime.now()}",
            datetime.combine(today - timedelta(days=366), time(0)),
            fields.Datetime.now(),
        )
        cr.execute(SQL("SELECT setseed(%s)", seed))
        cr.execute(
            SQL(
                """
            CREATE TEMP TABLE member_marketing_bench ON COMMIT DROP AS
            WITH ins AS (
                INSERT INTO res_partner (name, complete_name, active, type, autopost_bills,
                                         consent_sms, create_uid, create_date, write_uid,
                                         write_date)
                SELECT 'Bench Member ' || g, 'Bench Member ' || g, TRUE, 'contact', 'ask', TRUE,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM generate_series(1, %(members)s) g
             RETURNING id
            )
            SELECT (ROW_NUMBER() OVER (ORDER BY id) - 1)::int AS n, id FROM ins
            """,
                uid=self.env.uid,
                members=members,
            )
        )
        cr.execute("CREATE UNIQUE INDEX ON member_marketing_bench (n)")
        # a skewed frequency (a few members buy very often) and recency spread over a year
        cr.execute(
            SQL(
                """
            INSERT INTO pos_order (company_id, session_id, config_id, name, pos_reference,
                                   sequence_number, amount_tax, amount_total, amount_paid,
                                   amount_return, partner_id, date_order, state, user_id,
                                   create_date, write_date)
            SELECT %(company)s, %(session)s, %(config)s, %(prefix)s || g, %(prefix)s || g, g,
                   0, o.amount, o.amount, 0, m.id, o.moment, 'done', %(uid)s, o.moment, o.moment
              FROM generate_series(1, %(orders)s) g
             CROSS JOIN LATERAL (
                    SELECT MOD((POWER(random(), 1.6) * %(members)s)::int, %(members)s) AS n,
                           ROUND((30 + random() * 400)::numeric, 2) AS amount,
                           %(today)s::timestamp - (random() * 365 * interval '1 day') AS moment,
                           g AS dummy
             ) o
              JOIN member_marketing_bench m ON m.n = o.n
            """,
                company=config.company_id.id,
                session=session,
                config=config.id,
                prefix=BENCH_PREFIX,
                uid=self.env.uid,
                orders=orders,
                members=members,
                today=today,
            )
        )
        cr.execute("ANALYZE pos_order")
        self.env.invalidate_all()

    @api.model
    def _bench_config(self):
        """A bare point of sale for a database without demo data (bench only)."""
        picking_type = (
            self.env["stock.picking.type"].sudo().search([("code", "=", "outgoing")], limit=1)
        )
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO pos_config (name, company_id, picking_type_id, iface_tax_included,
                                    picking_policy, active)
            VALUES ('Bench Shop', %s, %s, 'total', 'direct', TRUE) RETURNING id
            """,
                self.env.company.id,
                picking_type.id,
            )
        )
        return self.env["pos.config"].browse(self.env.cr.fetchone()[0])

    @api.model
    def _bench_figures_baseline(self, rfm_window=365):
        """A hand-written single SQL aggregate of the figures the segments read, as anyone
        would write it (default planner settings): per member the first and last purchase
        day, the purchase count and amount overall and in the RFM window, and the median
        interval between distinct purchase days (churn risk). Returns the member count."""
        engine = self.env["member.segment.engine"]
        today = engine._get_refresh_date()
        self.env.cr.execute(
            SQL(
                """
            SELECT COUNT(*), MIN(first_day), MAX(last_day), SUM(orders), SUM(amount),
                   SUM(rfm_orders), SUM(rfm_amount), AVG(median_gap)
              FROM (
                SELECT partner_id, MIN(day) AS first_day, MAX(day) AS last_day,
                       COUNT(*) AS orders, SUM(amount) AS amount,
                       COUNT(*) FILTER (WHERE day >= %(since)s) AS rfm_orders,
                       SUM(amount) FILTER (WHERE day >= %(since)s) AS rfm_amount,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
                  FROM (
                    SELECT partner_id, day, amount,
                           NULLIF(day - LAG(day) OVER (PARTITION BY partner_id ORDER BY day),
                                  0) AS gap
                      FROM (
                        SELECT o.partner_id, %(day)s AS day, o.amount_total AS amount
                          FROM pos_order o
                         WHERE %(purchase)s
                      ) o
                  ) g
                 GROUP BY partner_id
              ) t
            """,
                since=today - timedelta(days=rfm_window),
                day=engine._get_local_day(SQL("o.date_order")),
                purchase=PURCHASE_FILTER,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _bench_baseline(self, count_only=False):
        """The hand-written single SQL aggregate the refresh is compared with: first and last
        purchase, purchase count and amount per member over the same orders. Returns the member
        count. The outer query reads every aggregate, so that PostgreSQL computes them all
        (``count_only``: the member count alone, for which it drops the unused aggregates and
        only counts the members in the index)."""
        outer = SQL("COUNT(*)")
        if not count_only:
            outer = SQL("COUNT(*), MAX(t.last_order), MIN(t.first_order), SUM(t.orders),"
                        " SUM(t.amount)")  # fmt: skip
        self.env.cr.execute(
            SQL(
                """
            SELECT %s FROM (
                SELECT partner_id, MAX(date_order) AS last_order, MIN(date_order) AS first_order,
                       COUNT(*) AS orders, SUM(amount_total) AS amount
                  FROM pos_order o
                 WHERE %s
                 GROUP BY partner_id
            ) t
            """,
                outer,
                PURCHASE_FILTER,
            )
        )
        return self.env.cr.fetchone()[0]
