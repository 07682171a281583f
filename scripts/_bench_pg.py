"""Benchmark section: bare PostgreSQL baseline."""

import threading
import time

from _bench_lib import BARE_TABLES, bare_debit, drop_db, scratch_db, section
from _conf import connect


@section("pg", "bare PostgreSQL: row lock + ledger insert + balance update, per second")
def bench_pg(options):
    """The ceiling any server-side debit can reach here: one transaction locks the balance row,
    inserts a ledger row under a unique idempotency key and updates the balance."""
    db = scratch_db(options, "chain_bench_pg")
    setup = connect(options, db)
    with setup, setup.cursor() as cr:
        cr.execute(BARE_TABLES)
        cr.execute("INSERT INTO bench_wallet SELECT g, 1000000000 FROM generate_series(1, 1000) g")
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
                    bare_debit(cr, wallet, f"{clients}-{wallets}-{n}-{i}")
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
