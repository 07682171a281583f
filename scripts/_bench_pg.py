"""Benchmark section: bare PostgreSQL baseline."""

from _bench_lib import BARE_TABLES, bare_debit, clients_rate, drop_db, scratch_db, section
from _conf import connect


@section("pg", "bare PostgreSQL: row lock + ledger insert + balance update, per second")
def bench_pg(options):
    """The ceiling any server-side debit can reach here: one transaction locks the balance row,
    inserts a ledger row under a unique idempotency key and updates the balance. Clients are
    processes, as in the loyalty section, and threads of one process (whichever is faster is
    the baseline)."""
    db = scratch_db(options, "chain_bench_pg")
    setup = connect(options, db)
    with setup, setup.cursor() as cr:
        cr.execute(BARE_TABLES)
        cr.execute("INSERT INTO bench_wallet SELECT g, 1000000000 FROM generate_series(1, 1000) g")
    setup.close()

    for clients, wallets, threads in (
        (1, 1, False), (8, 1, False), (8, 1, True), (8, 1000, False), (8, 1000, True)
    ):  # fmt: skip

        def debit(cnx, n, i, clients=clients, wallets=wallets, threads=threads):
            with cnx.cursor() as cr:
                wallet = 1 + (n * 7919 + i) % wallets
                bare_debit(cr, wallet, f"{clients}-{wallets}-{threads}-{n}-{i}")
            cnx.commit()
            return True

        rate, _refused = clients_rate(
            clients, 3.0, debit, lambda: connect(options, db), threads=threads
        )
        kind = "threads" if threads else "processes"
        print(f"  {clients} client(s), {wallets} wallet(s), {kind:9}: {rate:8.0f} debits/s")
    drop_db(options, db)
