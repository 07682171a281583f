"""Benchmark sections run by scripts/bench. Each prints its figures; none asserts anything.

_bench.py ODOO_CONF [SECTION...]     _bench.py --list
"""

import datetime
import logging
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from _conf import connect, read_options

SECTIONS = {}
CONF_PATH = None  # the effective Odoo configuration, set by main()


def section(name, doc):
    def register(func):
        SECTIONS[name] = (func, doc)
        return func

    return register


def drop_db(options, name):
    cnx = connect(options)
    cnx.autocommit = True
    with cnx.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    cnx.close()


def scratch_db(options, name):
    drop_db(options, name)
    cnx = connect(options)
    cnx.autocommit = True
    with cnx.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{name}"')
    cnx.close()
    return name


@section("pg", "bare PostgreSQL: row lock + ledger insert + balance update, per second")
def bench_pg(options):
    """The ceiling any server-side debit can reach here: one transaction locks the balance row,
    inserts a ledger row under a unique idempotency key and updates the balance."""
    db = scratch_db(options, "chain_bench_pg")
    setup = connect(options, db)
    with setup, setup.cursor() as cr:
        cr.execute("""
            CREATE TABLE wallet (id int PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
            CREATE TABLE ledger (id bigserial PRIMARY KEY, wallet_id int NOT NULL,
                                 amount bigint NOT NULL, key text NOT NULL UNIQUE);
            INSERT INTO wallet SELECT g, 1000000000 FROM generate_series(1, 1000) g;
        """)
    setup.close()

    def run(clients, wallets, seconds=3.0):
        done = [0] * clients
        stop = time.perf_counter() + seconds

        def worker(n):
            cnx = connect(options, db)
            i = 0
            with cnx.cursor() as cr:
                while time.perf_counter() < stop:
                    wallet = 1 + (n * 7919 + i) % wallets
                    cr.execute(
                        "SELECT balance FROM wallet WHERE id = %s FOR NO KEY UPDATE", [wallet]
                    )
                    cr.execute(
                        "INSERT INTO ledger (wallet_id, amount, key) VALUES (%s, -1, %s)",
                        [wallet, f"{clients}-{wallets}-{n}-{i}"],
                    )
                    cr.execute("UPDATE wallet SET balance = balance - 1 WHERE id = %s", [wallet])
                    cnx.commit()
                    i += 1
            done[n] = i
            cnx.close()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sum(done) / seconds

    for clients, wallets in ((1, 1), (8, 1), (8, 1000)):
        rate = run(clients, wallets)
        print(f"  {clients} client(s), {wallets} wallet(s): {rate:8.0f} debits/s")
    drop_db(options, db)


def odoo_db(options, name, modules, demo=False):
    """A database with `modules` (our addons) installed, with or without demo data, built once
    and reused while their code is unchanged; returns an Odoo registry for it."""
    root = Path(__file__).resolve().parent.parent
    folders = " ".join(f"addons/{module}" for module in modules)
    code = subprocess.run(
        f"find {folders} -type f -not -path '*/__pycache__/*' -print0 | sort -z "
        "| xargs -0 sha256sum | sha256sum",
        shell=True,
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    stamp = root / ".cache" / f"{name}.addons"
    exists = connect(options)
    with exists.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cr.fetchone()
    exists.close()
    if not found or not stamp.exists() or stamp.read_text() != code:
        drop_db(options, name)
        print(f"  (building {name} with {','.join(modules)}: a few minutes, once)", flush=True)
        odoo_bin = (root / ".cache" / "odoo-src").read_text().strip() + "/odoo-bin"
        subprocess.run(
            [
                sys.executable,
                odoo_bin,
                "-c",
                CONF_PATH,
                "-d",
                name,
                "-i",
                ",".join(modules),
                "--stop-after-init",
                "--log-level=warn",
                *([] if demo else ["--without-demo=all"]),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        stamp.write_text(code)
    import odoo  # only the sections that use a database need Odoo

    odoo.tools.config.parse_config(["-c", CONF_PATH, "--log-level=warn"])
    return odoo.modules.registry.Registry(name)


def _pos_order(env, pos, partner, rng):
    """What a till sends to pos.order.sync_from_ui for a paid cash order of 1-4 lines."""
    order_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
    lines, total = [], 0.0
    for product in rng.sample(pos["products"], k=rng.randint(1, 4)):
        qty = rng.randint(1, 3)
        amount = product.lst_price * qty
        total += amount
        lines.append((0, 0, {
            "product_id": product.id, "qty": qty, "price_unit": product.lst_price,
            "price_subtotal": amount, "price_subtotal_incl": amount, "discount": 0,
            "tax_ids": [(6, 0, [])], "pack_lot_ids": [], "uuid": str(uuid.uuid4()),
        }))  # fmt: skip
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    return {
        "amount_paid": total, "amount_return": 0, "amount_tax": 0, "amount_total": total,
        "date_order": now, "fiscal_position_id": False,
        "pricelist_id": pos["config"].pricelist_id.id, "name": f"Order {order_uuid}",
        "last_order_preparation_change": "{}", "lines": lines,
        "partner_id": partner.id if partner else False, "session_id": pos["session"].id,
        "sequence_number": 1, "uuid": order_uuid, "user_id": env.uid, "to_invoice": False,
        "payment_ids": [(0, 0, {
            "amount": total, "name": now, "payment_method_id": pos["method"].id,
            "uuid": str(uuid.uuid4()),
        })],
    }  # fmt: skip


def _threads(count, target):
    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@section("loyalty", "member_loyalty: order sync with/without a member, stored-value debits/s")
def bench_loyalty(options):
    from odoo import SUPERUSER_ID, api
    from odoo.service.model import retrying

    registry = odoo_db(options, "chain_bench_loyalty", ["member_loyalty"], demo=True)
    # serialization failures are expected under contention (Odoo retries them): not errors here
    logging.getLogger("odoo.sql_db").setLevel(logging.CRITICAL)
    rng = random.Random(7)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        config = env.ref("point_of_sale.pos_config_main")
        if not config.current_session_id:
            config.with_user(env.ref("base.user_admin")).open_ui()
        members = env["res.partner"].search([("member_number", "!=", False)], limit=1000)
        missing = 1000 - len(members)
        if missing:
            new = env["res.partner"].create(
                [{"name": f"Bench {n}", "phone": f"+86138{n:08d}"} for n in range(missing)]
            )
            new._member_enrol()
            members |= new
        for member in members:
            member.member_topup(1_000_000.0, f"bench:fund:{member.id}")
        member_ids = members.ids
        cr.commit()

    def sync_rate(with_member, count=150):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            config = env.ref("point_of_sale.pos_config_main")
            pos = {
                "config": config,
                "session": config.current_session_id,
                "method": config.payment_method_ids.filtered(lambda m: m.is_cash_count)[:1]
                or config.payment_method_ids[:1],
                "products": env["product.product"].search(
                    [("available_in_pos", "=", True), ("list_price", ">", 0)], limit=30
                ),
            }
            partners = env["res.partner"].browse(member_ids[:50])
            payloads = [
                _pos_order(env, pos, rng.choice(partners) if with_member else None, rng)
                for _n in range(count)
            ]
            started = time.perf_counter()
            for payload in payloads:
                env["pos.order"].sync_from_ui([payload])
                cr.commit()
            return count / (time.perf_counter() - started)

    sync_rate(False, 20)  # warm caches
    plain, member = sync_rate(False), sync_rate(True)
    print(f"  order sync without member: {plain:7.1f} orders/s")
    print(f"  order sync with member:    {member:7.1f} orders/s (earning, tier check)")
    print(f"  cost of a member order:    {plain / member:7.2f}x a plain order (goal <= 1.2x)")

    def debit_rate(clients, wallets, seconds=4.0):
        done, refused = [0] * clients, [0] * clients
        stop = time.perf_counter() + seconds

        def worker(n):
            i = 0
            while time.perf_counter() < stop:
                partner_id = member_ids[(n * 7919 + i) % wallets]
                key = f"bench:{clients}:{wallets}:{n}:{i}:{time.time_ns()}"
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    partner = env["res.partner"].browse(partner_id)
                    try:
                        retrying(lambda p=partner, k=key: p.member_wallet_spend(0.01, k), env)
                        done[n] += 1
                    except Exception:  # a debit given up after Odoo's retries
                        cr.rollback()
                        refused[n] += 1
                i += 1

        _threads(clients, worker)
        return sum(done) / seconds, sum(refused)

    for clients, wallets in ((1, 1), (8, 1), (8, 1000)):
        rate, refused = debit_rate(clients, wallets)
        note = f", {refused} given up after retries" if refused else ""
        print(f"  stored-value debits, {clients} client(s) on {wallets} member(s): "
              f"{rate:7.0f}/s{note}")  # fmt: skip
    print("  (compare with section pg: the bare PostgreSQL lock + insert + update)")


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


@section("hardware", "hardware proxy: receipt to ESC/POS, status_json round trip, scan latency")
def bench_hardware(options):
    """The proxy runs without Odoo: its own bench module starts a real proxy process."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root / "addons" / "pos_hardware"))
    subprocess.run([sys.executable, "-m", "hw_proxy.bench"], env=env, check=True)


def main(argv):
    if argv[:1] == ["--list"]:
        for name, (_func, doc) in SECTIONS.items():
            print(f"{name:12} {doc}")
        return 0
    global CONF_PATH
    CONF_PATH = argv[0]
    options = read_options(CONF_PATH)
    wanted = argv[1:] or list(SECTIONS)
    unknown = [name for name in wanted if name not in SECTIONS]
    if unknown:
        names = ", ".join(unknown)
        print(f"error: unknown section {names} (see scripts/bench --list)", file=sys.stderr)
        return 2
    for name in wanted:
        func, doc = SECTIONS[name]
        print(f"[{name}] {doc}")
        started = time.perf_counter()
        func(options)
        print(f"  ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
