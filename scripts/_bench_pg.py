"""Benchmark section: bare PostgreSQL baseline."""

from _bench_lib import BARE_TABLES, bare_debit, clients_rate, drop_db, scratch_db, section
from _conf import connect


@section("pg", "bare PostgreSQL: row lock + ledger insert + balance update, per second")
def bench_pg(options):
    """The ceiling any server-side debit can reach here: one transaction locks the balance row,
    inserts a ledger row under a unique idempotency key and updates the balance. Clients are
    processes, as in the loyalty section."""
    db = scratch_db(options, "chain_bench_pg")
    setup = connect(options, db)
    with setup, setup.cursor() as cr:
        cr.execute(BARE_TABLES)
        cr.execute("INSERT INTO bench_wallet SELECT g, 1000000000 FROM generate_series(1, 1000) g")
    setup.close()

    for clients, wallets in ((1, 1), (8, 1), (8, 1000)):

        def debit(cnx, n, i, clients=clients, wallets=wallets):
            with cnx.cursor() as cr:
                wallet = 1 + (n * 7919 + i) % wallets
                bare_debit(cr, wallet, f"{clients}-{wallets}-{n}-{i}")
            cnx.commit()
            return True

        rate, _refused = clients_rate(clients, 3.0, debit, lambda: connect(options, db))
        print(f"  {clients} client(s), {wallets} wallet(s): {rate:8.0f} debits/s")
    drop_db(options, db)
