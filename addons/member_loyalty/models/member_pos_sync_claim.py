from odoo import api, fields, models

CLAIM_DAYS = 7


class MemberPosSyncClaim(models.Model):
    """One row per POS order uuid pushed by a till, so that two tabs pushing the same order at
    once never create two ``pos.order`` rows (``pos_order.uuid`` is not unique in Odoo 18).

    ``pos.order.sync_from_ui`` inserts the claims with ``ON CONFLICT DO NOTHING`` before any
    order is looked up. A concurrent push of the same uuid waits for the first transaction;
    once that one commits, the conflicting row is invisible to the waiting transaction's
    REPEATABLE READ snapshot, so PostgreSQL raises a serialization failure and Odoo retries
    the whole RPC, which then finds the order. (A unique index on ``pos_order.uuid`` would
    raise a unique violation instead, which Odoo does not retry.) Claims are only needed while
    a till may still push the order concurrently; the autovacuum drops them after a week.
    """

    _name = "member.pos.sync.claim"
    _description = "POS Order Sync Claim"
    _log_access = False

    uuid = fields.Char(required=True, readonly=True)
    claim_date = fields.Datetime(readonly=True, default=fields.Datetime.now)

    _sql_constraints = [
        ("uuid_unique", "UNIQUE(uuid)", "A POS order is claimed once."),
    ]

    def _claim(self, uuids):
        """Claim ``uuids`` (a sorted list) for this transaction (see the class docstring)."""
        if uuids:
            self.env.cr.execute(
                "INSERT INTO member_pos_sync_claim (uuid, claim_date) "
                "SELECT uuid, now() AT TIME ZONE 'UTC' FROM unnest(%s::varchar[]) AS uuid "
                "ORDER BY uuid ON CONFLICT (uuid) DO NOTHING",
                (list(uuids),),
            )

    @api.autovacuum
    def _gc_old_claims(self):
        self.env.cr.execute(
            "DELETE FROM member_pos_sync_claim "
            "WHERE claim_date < now() AT TIME ZONE 'UTC' - make_interval(days => %s)",
            (CLAIM_DAYS,),
        )
