"""Benchmark section: member lookup among 200,000 members, POS session opening vs member count."""

import logging
import statistics
import time
from pathlib import Path

from _bench_lib import odoo_db, scratch_db, section
from _conf import connect

BASE_DB = "chain_bench_member_lookup"  # member_loyalty with demo data and 100 members
BIG_DB = "chain_bench_member_lookup_200k"  # a copy of it with 200,000 members
MEMBERS = 200_000
SMALL = 100


def _add_members(cr, first, count):
    """Insert members ``first``..``first+count-1`` in SQL (the ORM would take an hour): partner,
    member number, normalised phone, tier and a balance row, as an enrolment leaves them."""
    cr.execute("SELECT id FROM member_tier WHERE active ORDER BY sequence, id LIMIT 1")
    tier = cr.fetchone()
    cr.execute("SELECT id, currency_id FROM res_company ORDER BY id LIMIT 1")
    company, currency = cr.fetchone()
    cr.execute(
        """
        WITH new AS (
            SELECT nextval('res_partner_id_seq') AS id, g
              FROM generate_series(%(first)s, %(last)s) g
        ), partner AS (
            INSERT INTO res_partner (id, commercial_partner_id, name, complete_name, phone,
                                     member_phone, member_number, member_tier_id,
                                     member_enrol_date, member_enrol_company_id, active, type,
                                     is_company, partner_share, autopost_bills, lang,
                                     create_date, write_date, create_uid, write_uid)
            SELECT id, id, 'Lookup Member ' || g, 'Lookup Member ' || g,
                   '+86 139 ' || lpad(g::text, 8, '0'), '+86139' || lpad(g::text, 8, '0'),
                   'B' || lpad(g::text, 9, '0'), %(tier)s, now()::date, %(company)s, TRUE,
                   'contact', FALSE, TRUE, 'ask', 'en_US', now() AT TIME ZONE 'UTC',
                   now() AT TIME ZONE 'UTC', 1, 1
              FROM new
            RETURNING id
        )
        INSERT INTO member_balance (partner_id, currency_id, points, principal, bonus,
                                    create_date, write_date, create_uid, write_uid)
        SELECT id, %(currency)s, id %% 5000, id %% 997, 0, now() AT TIME ZONE 'UTC',
               now() AT TIME ZONE 'UTC', 1, 1
          FROM partner
        """,
        {
            "tier": tier and tier[0],
            "company": company,
            "currency": currency,
            "first": first,
            "last": first + count - 1,
        },
    )


def _stamp_path(name):
    return Path(__file__).resolve().parent.parent / ".cache" / f"{name}.addons"


def _databases(options):
    """(base registry name, big registry name): the 200,000-member copy is made once per build
    of the base database (same code stamp)."""
    odoo_db(options, BASE_DB, ["member_loyalty"], demo=True)
    import odoo

    base_stamp = _stamp_path(BASE_DB).read_text()
    cnx = connect(options, BASE_DB)
    with cnx, cnx.cursor() as cr:
        cr.execute("SELECT COUNT(*) FROM res_partner WHERE member_number LIKE 'B%'")
        if not cr.fetchone()[0]:
            _add_members(cr, 1, SMALL)
    cnx.close()
    big_stamp = _stamp_path(BIG_DB)
    cnx = connect(options)
    with cnx.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BIG_DB])
        found = cr.fetchone()
    cnx.close()
    if not found or not big_stamp.exists() or big_stamp.read_text() != base_stamp:
        print(f"  (building {BIG_DB}: {MEMBERS:,} members, once)", flush=True)
        _open_session(odoo.modules.registry.Registry(BASE_DB))
        odoo.sql_db.close_db(BASE_DB)
        scratch_db(options, BIG_DB, template=BASE_DB)
        cnx = connect(options, BIG_DB)
        with cnx, cnx.cursor() as cr:
            _add_members(cr, SMALL + 1, MEMBERS - SMALL)
        cnx.autocommit = True
        with cnx.cursor() as cr:
            cr.execute("VACUUM ANALYZE res_partner")
            cr.execute("VACUUM ANALYZE member_balance")
        cnx.close()
        big_stamp.write_text(base_stamp)
    return BASE_DB, BIG_DB


def _open_session(registry):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # the chain of the demo is in China: phones in national format parse with region CN
        env.ref("base.main_company").country_id = env.ref("base.cn")
        config = env.ref("point_of_sale.pos_config_main")
        if not config.current_session_id:
            config.with_user(env.ref("base.user_admin")).open_ui()


def _summary(times):
    """(median, p95) of ``times``."""
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def _times(func, runs):
    times = []
    for _n in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return _summary(times)


@section(
    "member_lookup",
    "member_loyalty: member_find among 200,000 members; POS session opening, 200,000 vs 100",
)
def bench_member_lookup(options):
    import odoo
    from odoo import api

    logging.getLogger("odoo").setLevel(logging.ERROR)
    base, big = _databases(options)
    cursors, loads, members = {}, {}, {}
    for name in (base, big):
        registry = odoo.modules.registry.Registry(name)
        _open_session(registry)
        cr = cursors[name] = registry.cursor()
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin").id)
        session = env.ref("point_of_sale.pos_config_main").current_session_id
        cr.execute("SELECT COUNT(*) FROM res_partner WHERE member_number IS NOT NULL")
        members[name] = cr.fetchone()[0]

        def load(session=session, env=env):
            session.load_data([])
            env.invalidate_all()

        loads[name] = load
        load()  # warm the caches, as a till opening after another one
    # alternate the two databases, so that other load on the machine weighs on both alike
    times = {base: [], big: []}
    for _round in range(15):
        for name in (base, big):
            times[name].append(_times(loads[name], 1)[0])
    opening = {}
    for name in (base, big):
        opening[name] = _summary(times[name])
        print(
            f"  POS session opening (load_data), {members[name]:>7,} members: "
            f"median {opening[name][0]:7.1f} ms, p95 {opening[name][1]:7.1f} ms"
        )
    cursors[base].close()  # read only: nothing to commit
    with cursors[big] as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin").id)
        Partner = env["res.partner"]

        def national(n, sep):
            digits = f"139{n:08d}"
            return sep.join((digits[:3], digits[3:7], digits[7:]))

        queries = {
            "phone E.164 (+8613900123456)": lambda n: f"+86139{n:08d}",
            "phone national (139 0012 3456)": lambda n: national(n, " "),
            "phone dashes (139-0012-3456)": lambda n: national(n, "-"),
            "phone 0086 prefix (008613900123456)": lambda n: f"0086139{n:08d}",
            "member number (B000123456)": lambda n: f"B{n:09d}",
        }
        for label, make in queries.items():
            numbers = iter(range(1000, MEMBERS, 997))

            def find(make=make, numbers=numbers, partners=Partner, env=env):
                query = make(next(numbers))
                found = partners.member_find(query)
                assert len(found) == 1, (query, found)
                env.invalidate_all()

            _times(find, 20)  # warm-up
            median, p95 = _times(find, 150)
            print(f"  member_find by {label:36}: median {median:6.2f} ms, p95 {p95:6.2f} ms")
        cr.rollback()
    ratio = opening[big][0] / opening[base][0]
    print(f"  session opening {MEMBERS:,} vs {SMALL} members: {ratio:5.2f}x (goal <= 1.1x)")
