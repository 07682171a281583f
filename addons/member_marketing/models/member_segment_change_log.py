from odoo import api, models
from odoo.tools import SQL

from .member_segment_engine import (
    CHANGE_LOG_FUNCTION,
    CHANGE_LOG_TABLE,
    CHANGE_LOG_TRIGGERS,
    purchase_filter,
)


class MemberSegmentChangeLog(models.AbstractModel):
    """The members whose purchases changed since the last refresh, logged by PostgreSQL.

    Statement-level triggers on ``pos_order`` (transition tables) append the distinct members
    of the purchases each statement inserted, deleted or changed (member, purchase or not,
    amount, date) to ``CHANGE_LOG_TABLE``, whoever wrote them: the ORM, raw SQL, a partner
    merge. The refresh consumes the rows it sees (``_consume_change_log``): those of
    transactions not committed yet are invisible to it and stay for the next refresh, so no
    order is missed whatever the order in which transactions commit, and no time cut-off is
    needed. The table is unlogged like the state: a crash empties both, and an empty state
    rebuilds from every order.
    """

    _inherit = "member.segment.engine"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _create_change_log(self):
        """Create the log table, the trigger function and its three triggers (idempotent;
        the function follows ``purchase_filter`` at module update)."""
        cr = self.env.cr
        log = SQL.identifier(CHANGE_LOG_TABLE)
        cr.execute(SQL("CREATE UNLOGGED TABLE IF NOT EXISTS %s (partner_id integer NOT NULL)", log))

        def purchase(alias):
            return SQL("COALESCE(%s, FALSE)", purchase_filter(alias))

        # one INSERT ... SELECT DISTINCT per statement, whatever its number of rows; an update
        # logs the old and new member of the rows whose purchase (member, amount, date) or
        # purchase state changed (not a POS order going from paid to done, nor a write of
        # other fields); no key: tills never wait on each other
        cr.execute(
            SQL(
                """
            CREATE OR REPLACE FUNCTION %(function)s() RETURNS trigger
            LANGUAGE plpgsql AS $body$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO %(log)s (partner_id)
                    SELECT DISTINCT n.partner_id FROM member_marketing_new n WHERE %(new)s;
                ELSIF TG_OP = 'DELETE' THEN
                    INSERT INTO %(log)s (partner_id)
                    SELECT DISTINCT o.partner_id FROM member_marketing_old o WHERE %(old)s;
                ELSE
                    INSERT INTO %(log)s (partner_id)
                    SELECT DISTINCT c.partner_id
                      FROM member_marketing_old o
                      JOIN member_marketing_new n ON n.id = o.id
                     CROSS JOIN LATERAL (
                           VALUES (CASE WHEN %(old)s THEN o.partner_id END),
                                  (CASE WHEN %(new)s THEN n.partner_id END)
                     ) c (partner_id)
                     WHERE c.partner_id IS NOT NULL
                       AND (%(old)s IS DISTINCT FROM %(new)s
                            OR (o.partner_id, o.amount_total, o.date_order)
                               IS DISTINCT FROM (n.partner_id, n.amount_total, n.date_order));
                END IF;
                RETURN NULL;
            END
            $body$
            """,
                function=SQL.identifier(CHANGE_LOG_FUNCTION),
                log=log,
                new=purchase("n"),
                old=purchase("o"),
            )
        )
        for event, name in CHANGE_LOG_TRIGGERS.items():
            referencing = {
                "INSERT": "NEW TABLE AS member_marketing_new",
                "UPDATE": "OLD TABLE AS member_marketing_old NEW TABLE AS member_marketing_new",
                "DELETE": "OLD TABLE AS member_marketing_old",
            }[event]
            cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON pos_order", SQL.identifier(name)))
            cr.execute(
                SQL(
                    "CREATE TRIGGER %s AFTER %s ON pos_order REFERENCING %s"
                    " FOR EACH STATEMENT EXECUTE FUNCTION %s()",
                    SQL.identifier(name),
                    SQL(event),
                    SQL(referencing),
                    SQL.identifier(CHANGE_LOG_FUNCTION),
                )
            )

    @api.model
    def _drop_change_log(self):
        """Drop the triggers, their function and the log (uninstall)."""
        cr = self.env.cr
        for name in CHANGE_LOG_TRIGGERS.values():
            cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON pos_order", SQL.identifier(name)))
        cr.execute(SQL("DROP FUNCTION IF EXISTS %s()", SQL.identifier(CHANGE_LOG_FUNCTION)))
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(CHANGE_LOG_TABLE)))

    @api.model
    def _consume_change_log(self, keep=True):
        """Take the logged members this transaction sees off the log (before it reads any
        order: what it then reads includes their changes); with ``keep``, into the temp
        table ``member_marketing_refresh_logged`` (see ``_get_changed_partners``). Rows of
        transactions still running stay for the next refresh."""
        cr = self.env.cr
        log = SQL.identifier(CHANGE_LOG_TABLE)
        if not keep:
            cr.execute(SQL("DELETE FROM %s", log))
            return
        cr.execute(
            "CREATE TEMP TABLE member_marketing_refresh_logged (partner_id integer)"
            " ON COMMIT DROP"
        )
        cr.execute(
            SQL(
                """
            WITH consumed AS (DELETE FROM %s RETURNING partner_id)
            INSERT INTO member_marketing_refresh_logged SELECT DISTINCT partner_id FROM consumed
            """,
                log,
            )
        )
