"""Benchmark section: member_marketing segments."""

import datetime
import time

from _bench_lib import odoo_db, section


@section("marketing", "member_marketing: segment refresh, 200,000 members and 2,000,000 orders")
def bench_marketing(options, members=200_000, orders=2_000_000):
    from odoo import SUPERUSER_ID, api, fields

    registry = odoo_db(options, "chain_bench_marketing", ["member_marketing"])
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute("SELECT COUNT(*) FROM res_partner WHERE name LIKE 'Bench Member %%'")
        if cr.fetchone()[0] < members:
            print(f"  (generating {members} members and {orders} orders: minutes, once)")
            env["member.marketing.demo"]._bench_generate(members, orders)
    with registry.cursor() as cr:
        cr._cnx.autocommit = True  # VACUUM cannot run in a transaction
        cr.execute("VACUUM ANALYZE pos_order")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        env["member.marketing.demo"]._bench_baseline()
        baseline = time.perf_counter() - started
        engine = env["member.segment.engine"]
        today = fields.Date.context_today(engine)
        timings = []
        for label, day in (("refresh", today), ("same day again", today),
                           ("next day", today + datetime.timedelta(days=1))):  # fmt: skip
            started = time.perf_counter()
            count = engine._refresh(day)
            timings.append((label, time.perf_counter() - started, count))
        cr.rollback()  # leave the bench data as generated
    print(f"  hand-written SQL aggregate over the orders: {baseline:6.2f} s")
    for label, seconds, count in timings:
        print(
            f"  segment {label:15}: {seconds:6.2f} s, {count / seconds:9.0f} members/s, "
            f"{seconds / baseline:5.1f}x the aggregate (goal <= 3x)"
        )
