"""What the benchmark sections share: registration, scratch and Odoo databases, POS payloads."""

import subprocess
import sys
import time
import uuid
from pathlib import Path

from _conf import connect

SECTIONS = {}
CONF_PATH = None  # the effective Odoo configuration, set by main()
_ODOO_CONFIGURED = []  # non-empty once odoo_db() has loaded the configuration

# the bare debit the engine is compared with: lock the balance row, insert a ledger row under a
# unique key, update the balance (sections pg and loyalty)
BARE_TABLES = """
    DROP TABLE IF EXISTS bench_wallet, bench_ledger;
    CREATE TABLE bench_wallet (id int PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0));
    CREATE TABLE bench_ledger (id bigserial PRIMARY KEY, wallet_id int NOT NULL,
                               amount bigint NOT NULL, key text NOT NULL UNIQUE);
"""


def bare_debit(cr, wallet_id, key):
    """The three statements of a bare debit on ``cr`` (any DB-API cursor)."""
    cr.execute("SELECT balance FROM bench_wallet WHERE id = %s FOR NO KEY UPDATE", [wallet_id])
    cr.execute(
        "INSERT INTO bench_ledger (wallet_id, amount, key) VALUES (%s, -1, %s)", [wallet_id, key]
    )
    cr.execute("UPDATE bench_wallet SET balance = balance - 1 WHERE id = %s", [wallet_id])


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


def scratch_db(options, name, template=None):
    """A new empty database `name` (a copy of `template` if given), replacing any old one."""
    drop_db(options, name)
    cnx = connect(options)
    cnx.autocommit = True
    with cnx.cursor() as cr:
        cr.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    cnx.close()
    return name


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
        # planner statistics, as autovacuum would have gathered them on a database in use (a
        # fresh one has none: its first runs measured plans chosen blind)
        cnx = connect(options, name)
        cnx.autocommit = True  # VACUUM cannot run in a transaction
        with cnx.cursor() as cr:
            cr.execute("VACUUM ANALYZE")
        cnx.close()
        stamp.write_text(code)
    return odoo_registry(name)


def odoo_registry(name):
    """An Odoo registry for the existing database ``name`` (Odoo's configuration loaded once
    per process: it cannot be parsed twice)."""
    import odoo  # only the sections that use a database need Odoo

    if not _ODOO_CONFIGURED:
        odoo.tools.config.parse_config(["-c", CONF_PATH, "--log-level=warn"])
        _ODOO_CONFIGURED.append(CONF_PATH)
    return odoo.modules.registry.Registry(name)


def vacuum_analyze(registry, tables):
    """VACUUM ANALYZE ``tables`` (names) of an Odoo registry's database: the same starting
    point for every run (what autovacuum does in time)."""
    with registry.cursor() as cr:
        cr._cnx.autocommit = True  # VACUUM cannot run in a transaction
        cr.execute(f"VACUUM ANALYZE {', '.join(tables)}")


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


def clients_rate(count, seconds, debit, connect_client, threads=False):
    """Debits per second (and how many were given up) from ``count`` concurrent clients, each
    a process of its own with its own connection, as Odoo's workers serve RPCs (or threads of
    this process, if ``threads``).

    ``connect_client()`` runs in each client and returns its state; ``debit(state, n, i)``
    performs the client's i-th debit (``n``: the client's number) and returns True if it was
    done, False if it was given up. Callers close their database connections before this
    forks (a connection cannot be shared between processes).
    """
    import multiprocessing
    import queue
    import threading

    context = multiprocessing.get_context("fork")
    results = queue.SimpleQueue() if threads else context.Queue()
    start = time.time() + 0.5  # every client connected before the clock starts

    def client(n):
        state = connect_client()
        done = refused = i = 0
        while time.time() < start:
            time.sleep(0.001)
        while time.time() < start + seconds:
            if debit(state, n, i):
                done += 1
            else:
                refused += 1
            i += 1
        results.put((done, refused))

    kind = threading.Thread if threads else context.Process
    clients = [kind(target=client, args=(n,)) for n in range(count)]
    for one in clients:
        one.start()
    totals = [results.get() for _client in clients]
    for one in clients:
        one.join()
    return sum(done for done, _refused in totals) / seconds, sum(r for _d, r in totals)
