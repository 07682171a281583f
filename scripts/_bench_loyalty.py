"""Benchmark section: member_loyalty engine."""

import logging
import random
import time

from _bench_lib import (
    BARE_TABLES,
    _pos_order,
    bare_debit,
    clients_rate,
    odoo_db,
    section,
    vacuum_analyze,
)


@section("loyalty", "member_loyalty: order sync with/without a member, stored-value debits/s")
def bench_loyalty(options):
    from odoo import SUPERUSER_ID, api, sql_db
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

    def sync_seconds(with_member, count):
        """Seconds to sync ``count`` paid orders one by one (one RPC transaction each)."""
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
            return time.perf_counter() - started

    # warm both paths, then alternate rounds so that drift (caches, table growth, other load)
    # weighs on both kinds of orders alike
    sync_seconds(False, 20)
    sync_seconds(True, 20)
    rounds, per_round = 4, 40
    plain_seconds = member_seconds = 0.0
    for _round in range(rounds):
        plain_seconds += sync_seconds(False, per_round)
        member_seconds += sync_seconds(True, per_round)
    orders = rounds * per_round
    plain, member = orders / plain_seconds, orders / member_seconds
    print(f"  order sync without member: {plain:7.1f} orders/s ({orders} orders)")
    print(f"  order sync with member:    {member:7.1f} orders/s (earning, tier check)")
    print(f"  cost of a member order:    {plain / member:7.2f}x a plain order (goal <= 1.2x)")

    def spend(env, partner_id, key):
        env["res.partner"].browse(partner_id).member_wallet_spend(0.01, key)

    def bare(env, wallet_id, key):
        """Section pg's statements, but in an Odoo transaction (cursor, environment, retry
        wrapper, commit): what any debit hosted in Odoo costs at least."""
        bare_debit(env.cr, wallet_id, key)

    def debit_rate(debit, clients, wallets, seconds=4.0):
        """Debits/s from ``clients`` processes, each one RPC-like transaction per debit (its
        own cursor, environment, Odoo's retrying wrapper), as Odoo's workers run them."""

        def one(_state, n, i):
            partner_id = member_ids[(n * 7919 + i) % wallets]
            key = f"bench:{clients}:{wallets}:{n}:{i}:{time.time_ns()}"
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                try:
                    retrying(lambda: debit(env, partner_id, key), env)
                    return True
                except Exception:  # a debit given up after Odoo's retries
                    cr.rollback()
                    return False

        sql_db.close_all()  # each client process opens its own connections
        return clients_rate(clients, seconds, one, lambda: None)

    with registry.cursor() as cr:
        cr.execute(BARE_TABLES)
        cr.execute("INSERT INTO bench_wallet SELECT unnest(%s::int[]), 1000000000", [member_ids])
    # the earlier runs' dead balance rows vacuumed, the ledgers analyzed
    vacuum_analyze(registry, ["member_balance", "member_wallet_move", "member_points_move",
                              "res_partner", "bench_wallet", "bench_ledger"])  # fmt: skip
    for label, debit in (("stored-value debits", spend), ("bare statements in Odoo", bare)):
        for clients, wallets in ((1, 1), (8, 1), (8, 1000)):
            rate, refused = debit_rate(debit, clients, wallets)
            note = f", {refused} given up after retries" if refused else ""
            print(f"  {label}, {clients} client(s) on {wallets} member(s): "
                  f"{rate:7.0f}/s{note}")  # fmt: skip
    with registry.cursor() as cr:
        cr.execute("DROP TABLE bench_wallet, bench_ledger")
    print("  (compare with section pg: the bare PostgreSQL lock + insert + update, no Odoo)")
