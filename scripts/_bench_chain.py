"""Benchmark sections: store_chain with member_loyalty (settlement, store dashboard).

Data is generated once by SQL into ``chain_bench_chain`` (kept between runs) and every
measurement runs in a transaction that is rolled back.
"""

import contextlib
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import _bench_lib
from _bench_lib import odoo_db, odoo_registry, section
from _conf import connect

DB = "chain_bench_chain"
MODULES = ["store_chain_member_loyalty"]
STORES = 500
LEDGER_ROWS = 5_000_000
ORDER_DAYS = 730
ORDERS_PER_STORE_DAY = 3  # 500 stores x 730 days x 3 = 1,095,000 orders


_REGISTRY = []  # one registry (and one module update) per bench process


def _registry(options):
    """The bench database: built once (``odoo_db``); when it exists, the modules are updated in
    place instead of rebuilding it, so that the generated millions of rows survive code changes."""
    if _REGISTRY:
        return _REGISTRY[0]
    cnx = connect(options)
    with cnx.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB])
        found = cr.fetchone()
    cnx.close()
    if not found:
        _REGISTRY.append(odoo_db(options, DB, MODULES))
        return _REGISTRY[0]
    root = Path(__file__).resolve().parent.parent
    odoo_bin = (root / ".cache" / "odoo-src").read_text().strip() + "/odoo-bin"
    subprocess.run(
        [
            sys.executable,
            odoo_bin,
            "-c",
            _bench_lib.CONF_PATH,
            "-d",
            DB,
            "-u",
            "store_chain,member_loyalty,store_chain_member_loyalty",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    _REGISTRY.append(odoo_registry(DB))
    return _REGISTRY[0]


def _env(registry):
    from odoo import SUPERUSER_ID, api

    cr = registry.cursor()
    return api.Environment(cr, SUPERUSER_ID, {})


def _ensure_stores(env):
    Store = env["chain.store"].with_context(active_test=False)
    stores = Store.search([("code", "=like", "B%")])
    if len(stores) < STORES:
        have = set(stores.mapped("code"))
        region = env["chain.region"].search([("code", "=", "BENCH")], limit=1) or env[
            "chain.region"
        ].create({"name": "Bench", "code": "BENCH"})
        stores |= Store.create(
            [
                {"name": f"Bench store {n}", "code": f"B{n:04d}", "region_id": region.id}
                for n in range(STORES)
                if f"B{n:04d}" not in have
            ]
        )
    return stores


def _month():
    first = date.today().replace(day=1)
    last_month_end = first - timedelta(days=1)
    return last_month_end.replace(day=1), last_month_end


def _ensure_ledger(env, stores):
    """5,000,000 stored-value rows over last month (plus a few before), once, by SQL."""
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM member_wallet_move WHERE idempotency_key LIKE 'bench:%%'")
    if cr.fetchone()[0] >= LEDGER_ROWS:
        return
    print("  (generating 5,000,000 ledger rows by SQL: a few minutes, once)", flush=True)
    cr.execute("DELETE FROM member_wallet_move WHERE idempotency_key LIKE 'bench:%%'")
    cr.execute("SELECT COUNT(*) FROM res_partner WHERE member_number LIKE 'BM%%'")
    if cr.fetchone()[0] < 100_000:
        cr.execute(
            """
            INSERT INTO res_partner (name, member_number, active, type, autopost_bills,
                                     create_date, write_date)
            SELECT 'Bench member ' || n, 'BM' || n, true, 'contact', 'ask', now(), now()
              FROM generate_series(1, 100000) n
            """
        )
    cr.execute("SELECT MIN(id), MAX(id) FROM res_partner WHERE member_number LIKE 'BM%%'")
    low, high = cr.fetchone()
    first, last = _month()
    store_ids = stores.ids
    cr.execute(
        """
        INSERT INTO member_wallet_move (
            partner_id, date, idempotency_key, kind, company_id, user_id, currency_id,
            amount_principal, amount_bonus, amount, chain_store_id, create_date, write_date)
        SELECT %(low)s + (n %% (%(high)s - %(low)s + 1)),
               %(start)s::timestamp + (random() * %(span)s) * interval '1 second',
               'bench:' || n,
               k.kind, %(company)s, %(uid)s, %(currency)s,
               k.principal, k.bonus, k.principal + k.bonus,
               (%(stores)s::int[])[1 + (n %% %(nstores)s)], now(), now()
          FROM generate_series(1, %(rows)s) n
          CROSS JOIN LATERAL (
              SELECT CASE WHEN n %% 10 < 4 THEN 'topup' WHEN n %% 10 < 9 THEN 'spend'
                          WHEN n %% 20 = 9 THEN 'bonus' ELSE 'cashout' END AS kind,
                     CASE WHEN n %% 10 < 4 THEN 100.00 WHEN n %% 10 < 9 THEN -35.50
                          WHEN n %% 20 = 9 THEN 0 ELSE -12.00 END AS principal,
                     CASE WHEN n %% 10 BETWEEN 4 AND 8 THEN -4.25 WHEN n %% 20 = 9 THEN 10.00
                          ELSE 0 END AS bonus
          ) k
        """,
        {
            "low": low,
            "high": high,
            "start": datetime.combine(first, datetime.min.time()) - timedelta(days=3),
            "span": ((last - first).days + 4) * 86400,
            "company": env.company.id,
            "uid": env.uid,
            "currency": env.company.currency_id.id,
            "stores": store_ids,
            "nstores": len(store_ids),
            "rows": LEDGER_ROWS,
        },
    )
    cr.execute("ANALYZE member_wallet_move")
    cr.commit()


def _ensure_orders(env, stores):
    """Two years of paid POS orders for every store, once, by SQL (copies of one real order)."""
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM pos_order WHERE name LIKE 'BENCH/%%'")
    wanted = STORES * ORDER_DAYS * ORDERS_PER_STORE_DAY
    if cr.fetchone()[0] >= wanted:
        return
    print(f"  (generating {wanted:,} POS orders by SQL: a few minutes, once)", flush=True)
    cr.execute("DELETE FROM pos_order WHERE name LIKE 'BENCH/%%'")
    cr.execute("SELECT id FROM pos_order WHERE state = 'paid' ORDER BY id LIMIT 1")
    template = cr.fetchone()
    if not template:
        if not env.company.chart_template:
            env["account.chart.template"].try_loading("generic_coa", env.company, False)
        config = env["pos.config"].search([], limit=1) or env["pos.config"].create(
            {"name": "Bench POS"}
        )
        config.with_user(env.ref("base.user_admin")).open_ui()
        session = config.current_session_id
        order = env["pos.order"].create(
            {
                "session_id": session.id,
                "amount_tax": 0,
                "amount_total": 10,
                "amount_paid": 10,
                "amount_return": 0,
                "state": "paid",
            }
        )
        template = (order.id,)
        env.flush_all()
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'pos_order' AND column_name NOT IN
               ('id', 'name', 'date_order', 'amount_total', 'amount_paid', 'partner_id',
                'chain_store_id', 'uuid', 'access_token', 'ticket_code', 'pos_reference')
        """
    )
    columns = [row[0] for row in cr.fetchall()]
    cols = ", ".join(f'"{col}"' for col in columns)
    cr.execute("SELECT MIN(id), MAX(id) FROM res_partner WHERE member_number LIKE 'BM%%'")
    low, high = cr.fetchone()
    cr.execute(
        f"""
        INSERT INTO pos_order (name, date_order, amount_total, amount_paid, partner_id,
                               chain_store_id, uuid, {cols})
        SELECT 'BENCH/' || n,
               now() - (n %% %(days)s) * interval '1 day' - (n %% 43200) * interval '1 second',
               CASE WHEN n %% 50 = 0 THEN -20 ELSE 20 + n %% 180 END,
               CASE WHEN n %% 50 = 0 THEN -20 ELSE 20 + n %% 180 END,
               CASE WHEN n %% 3 = 0 THEN %(low)s + n %% (%(high)s - %(low)s + 1) END,
               (%(stores)s::int[])[1 + (n / %(days)s) %% %(nstores)s],
               md5(n::text), {cols}
          FROM generate_series(1, %(rows)s) n, pos_order t
         WHERE t.id = %(template)s
        """,
        {
            "days": ORDER_DAYS,
            "low": low,
            "high": high,
            "stores": stores.ids,
            "nstores": len(stores),
            "rows": wanted,
            "template": template[0],
        },
    )
    cr.execute("ANALYZE pos_order")
    cr.commit()


@contextlib.contextmanager
def _bench_data(options):
    """(env, stores) on the bench database with its 500 stores and ledger rows; whatever the
    section does is rolled back."""
    env = _env(_registry(options))
    try:
        stores = _ensure_stores(env)
        env.cr.commit()
        _ensure_ledger(env, stores)
        yield env, stores
    finally:
        env.cr.rollback()
        env.cr.close()


def _timed(func):
    started = time.perf_counter()
    result = func()
    return time.perf_counter() - started, result


@section("settlement", "store_chain: stored-value settlement, 500 stores, 5,000,000 ledger rows")
def bench_settlement(options):
    with _bench_data(options) as (env, _stores):
        first, last = _month()
        settlement = env["chain.settlement"].create({"date_from": first, "date_to": last})
        settlement.action_compute()  # warm the caches
        seconds, _res = _timed(settlement.action_compute)
        rows = sum(settlement.line_ids.mapped("row_count"))
        print(
            f"  settlement of {len(settlement.line_ids)} lines over {rows:,} rows: "
            f"{seconds:6.2f} s, {rows / seconds:,.0f} rows/s, reconciled={settlement.reconciled}"
        )


@section("dashboard", "store_chain: store dashboard and sales report over 2 years, 500 stores")
def bench_dashboard(options):
    with _bench_data(options) as (env, stores):
        _ensure_orders(env, stores)
        env.cr.execute("SELECT COUNT(*) FROM pos_order WHERE chain_store_id IS NOT NULL")
        orders = env.cr.fetchone()[0]
        report = env["chain.sales.report"]

        def by_store_month():
            return report._read_group(
                [], ["store_id", "date:month"], ["amount_total:sum", "ticket_count:sum"]
            )

        seconds, groups = _timed(by_store_month)
        print(
            f"  sales report by store x month ({len(groups):,} cells, {orders:,} orders): "
            f"{seconds:6.2f} s, {orders / seconds:,.0f} rows/s"
        )
        members = env["chain.member.report"]
        env.cr.execute("SELECT COUNT(*) FROM member_wallet_move WHERE chain_store_id IS NOT NULL")
        ledger = env.cr.fetchone()[0]
        seconds, groups = _timed(
            lambda: members._read_group(
                [], ["main_region_id", "date:month"], ["sales:sum", "member_sales:sum"]
            )
        )
        print(
            f"  member report by region x month ({len(groups):,} cells, {orders:,} orders + "
            f"{ledger:,} ledger rows): {seconds:6.2f} s, {(orders + ledger) / seconds:,.0f} rows/s"
        )
        env.cr.execute(
            "SELECT COUNT(*) FROM pos_order WHERE date_order >= now() - interval '30 days' "
            "AND chain_store_id IS NOT NULL"
        )
        recent = env.cr.fetchone()[0]
        for label, fname in (
            ("sales figures", "sales_month"),
            ("member figures", "member_sales_share_month"),
        ):
            stores.invalidate_recordset()
            seconds, _res = _timed(lambda fname=fname: stores.mapped(fname))
            print(
                f"  store dashboard {label}, {len(stores)} stores (30 days = {recent:,} "
                f"orders): {seconds:6.2f} s, {recent / seconds:,.0f} orders/s"
            )
