from functools import partial

from psycopg2.extensions import (
    ISOLATION_LEVEL_READ_COMMITTED,
    ISOLATION_LEVEL_REPEATABLE_READ,
    TRANSACTION_STATUS_IDLE,
)
from psycopg2.extras import Json

from odoo import models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero, float_round

from .res_partner_ledger import wallet_split

# the partner fields computed from the balance row, its lots and its ledgers
MEMBER_BALANCE_FIELDS = (
    "member_balance_id",
    "member_points",
    "member_principal",
    "member_bonus",
    "member_wallet",
    "member_points_expiring",
    "member_points_move_ids",
    "member_wallet_move_ids",
    "member_points_lot_ids",
)


class ResPartner(models.Model):
    """Lean debits: the API's stored-value spends and points redemptions.

    The locked section is a few short SQL statements, each cheap to plan: lock and read the
    balance row, then one statement writing the ledger row (stored-value spends) or consuming
    the lots, and updating the balance. The idempotency key is looked up only when that write
    did not happen (a replay) or the call is refused. The ORM caches of exactly what changed
    are invalidated afterwards. Every guarantee of ``_member_operation`` holds: rights checked
    by the caller, the same replay answers, CHECK constraints, complete ledger rows.
    """

    # one concern per file: fields in res_partner.py, engine and API in their own files
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _member_lock_balance(self):
        """Lock the balance row of this member (created if needed) and return ``{id, points,
        principal, bonus, currency_id, rounding}``. Raises if the partner is not a member."""
        self.ensure_one()
        self.env["member.balance"].flush_model()
        self.flush_recordset(["member_number"])
        query = SQL(
            """
            SELECT b.id, b.points, b.principal, b.bonus, b.currency_id,
                   (SELECT rounding FROM res_currency WHERE id = b.currency_id) AS rounding,
                   (SELECT member_number FROM res_partner WHERE id = b.partner_id) AS member
              FROM member_balance b
             WHERE b.partner_id = %s
               FOR NO KEY UPDATE OF b
            """,
            self.id,
        )
        self.env.cr.execute(query)
        row = self.env.cr.dictfetchone()
        if row is None and self.member_number:
            self.env["member.balance"].sudo()._lock(self)  # creates the row
            self.env.cr.execute(query)
            row = self.env.cr.dictfetchone()
        if row is None or not row["member"]:
            raise UserError(self.env._("%s is not a member.", self.display_name))
        return row

    def _member_replayed(self, key, kinds, quantity):
        """Result stored under ``key`` in either ledger, or None (key not used yet).

        Call it with the balance row locked: under READ COMMITTED it then sees a key committed
        by a concurrent call of this member; under REPEATABLE READ such a commit already made
        the lock fail (serialization failure, retried). ``quantity``: the debited amount (stored
        value) or points the call asks for; a key used for another member, another kind of
        operation or another quantity is refused.
        """
        for model in ("member.wallet.move", "member.points.move"):
            self.env[model].flush_model(["idempotency_key", "result"])
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, kind, -(amount_principal + amount_bonus) AS quantity, result
                  FROM member_wallet_move WHERE idempotency_key = %(key)s
                 UNION ALL
                SELECT partner_id, kind, -points, result
                  FROM member_points_move WHERE idempotency_key = %(key)s
                 LIMIT 1
                """,
                key=key,
            )
        )
        used = self.env.cr.dictfetchone()
        if used is None:
            return None
        if used["partner_id"] != self.id:
            raise UserError(
                self.env._(
                    "The idempotency key %s was already used for another member.",
                    self._member_key_label(key),
                )
            )
        if used["kind"] not in kinds or float_compare(used["quantity"], quantity, 6):
            raise UserError(
                self.env._(
                    "The idempotency key %s was already used for another operation or amount.",
                    self._member_key_label(key),
                )
            )
        return used["result"]

    def _member_read_committed(self):
        """Run this transaction in READ COMMITTED when the debit opens it (no statement yet).

        Under Odoo's REPEATABLE READ, a debit that waits for the member's row lock always fails
        with a serialization failure once the holder commits, and the RPC layer then sleeps a
        random 0-2 s (then 0-4 s...) before retrying: contended debits of one member collapse.
        In READ COMMITTED each statement after the wait sees what the holder committed (the row
        lock is the guarantee), as a bare SQL client would. This applies only when nothing has
        run in the transaction yet, so no earlier read of this transaction is affected; the
        public API debits (``member_wallet_spend``) are the whole transaction of their RPC.
        The level goes into the ``BEGIN`` the driver sends with the next statement (no statement
        of its own) and Odoo's level is restored when the transaction ends.
        """
        cnx = getattr(self.env.cr, "_cnx", None)
        if cnx is not None and cnx.get_transaction_status() == TRANSACTION_STATUS_IDLE:
            cnx.set_session(isolation_level=ISOLATION_LEVEL_READ_COMMITTED)
            restore = partial(cnx.set_session, isolation_level=ISOLATION_LEVEL_REPEATABLE_READ)
            self.env.cr.postcommit.add(restore)
            self.env.cr.postrollback.add(restore)

    def _member_invalidate_balance(self, balance_id, lots=False):
        """Drop exactly the cached values an SQL debit changed."""
        self.env["member.balance"].browse(balance_id).invalidate_recordset(
            ["points", "principal", "bonus", "balance", "write_uid", "write_date"]
        )
        if lots:
            self.env["member.points.lot"].invalidate_model(["points_remaining"])
        self.invalidate_recordset(MEMBER_BALANCE_FIELDS)

    def _member_wallet_debit_vals(self, key, kind):
        """Extension hook of the lean debit: ``{column: value}`` written into its ledger row
        besides the engine's own columns (what ``_member_move_vals`` adds for ORM rows, e.g. a
        bridge's store). Called before the balance is locked; plain column values only.
        """
        return {}

    def _member_wallet_debit_check(self, key, kind):
        """Extension hook of the lean debit: raise to refuse the debit before anything is
        written (what a bridge checks in the ``create`` of ORM rows). Its row is dated
        ``self.env.cr.now()`` (the transaction's UTC time)."""
        return True

    def _member_wallet_debit(self, amount, key, kind="spend", note=None):
        """Debit ``amount`` of stored value once per ``key``; returns the new state.

        Two statements: lock the balance row, then (when the balance covers the amount) insert
        the ledger row unless its key is used (``ON CONFLICT DO NOTHING``) and, only if it was
        inserted, update the balance. The split between principal and bonus is computed in
        between from the locked row. The row lock is thus held for the second statement and the
        commit only. Refusals and replays write nothing. Extensions add columns and checks
        through ``_member_wallet_debit_vals`` and ``_member_wallet_debit_check`` (no ORM create
        on this path).
        """
        self.ensure_one()
        self._member_check_number(amount)
        principal_first = self._member_param("spend_order", "proportional") == "principal"
        # the user's company unless the context picks one (env.company checks that choice)
        company_id = self.env.company.id if self.env.context.get("allowed_company_ids") else None
        self.env["member.wallet.move"].flush_model()
        # the statement reads the company's bookings
        self.env["res.company"].flush_model(
            ["member_external_spend_account_id", "member_bonus_booking"]
        )
        self._member_read_committed()
        # the hooks run after the isolation level is set (they may read) and before the lock
        self._member_wallet_debit_check(key, kind)
        extra = self._member_wallet_debit_vals(key, kind)

        row = self._member_lock_balance()
        rounding = row["rounding"]
        amount = float_round(amount, precision_rounding=rounding)
        if float_is_zero(amount, precision_rounding=rounding):
            raise ValidationError(self.env._("The amount must be positive, got %s.", amount))
        total = float_round(row["principal"] + row["bonus"], precision_rounding=rounding)
        if float_compare(amount, total, precision_rounding=rounding) <= 0:
            from_principal, from_bonus = wallet_split(
                amount, row["principal"], row["bonus"], rounding, principal_first
            )
            principal = float_round(row["principal"] - from_principal, precision_rounding=rounding)
            bonus = float_round(row["bonus"] - from_bonus, precision_rounding=rounding)
            balance = float_round(principal + bonus, precision_rounding=rounding)
            result = {"points": row["points"], "principal": principal, "bonus": bonus,
                      "balance": balance}  # fmt: skip
            self.env.cr.execute(
                SQL(
                    """
                    WITH move AS (
                        INSERT INTO member_wallet_move (
                            partner_id, date, idempotency_key, kind, note, company_id, user_id,
                            currency_id, amount_principal, amount_bonus, amount, balance_after,
                            result%(columns)s)
                        SELECT %(partner)s, %(now)s, %(key)s, %(kind)s, %(note)s,
                               COALESCE(%(company)s, (SELECT company_id FROM res_users
                                                       WHERE id = %(uid)s)),
                               %(uid)s, %(currency)s, %(principal)s, %(bonus)s, %(amount)s,
                               %(balance)s, %(result)s%(values)s
                         WHERE NOT EXISTS (SELECT FROM member_points_move
                                            WHERE idempotency_key = %(key)s)
                            ON CONFLICT (idempotency_key) DO NOTHING
                     RETURNING id, company_id
                    ), booking AS (
                        SELECT c.member_external_spend_account_id IS NOT NULL AS external,
                               c.member_bonus_booking = 'expense' AS bonus_expense
                          FROM res_company c JOIN move ON move.company_id = c.id
                    )
                    UPDATE member_balance
                       SET principal = principal + %(principal)s, bonus = bonus + %(bonus)s,
                           write_uid = %(uid)s, write_date = %(now)s
                     WHERE id = %(balance_id)s AND EXISTS (SELECT FROM move)
                 RETURNING (SELECT id FROM move), (SELECT external FROM booking),
                           (SELECT bonus_expense FROM booking)
                    """,
                    partner=self.id,
                    now=SQL("(now() AT TIME ZONE 'UTC')"),
                    key=key,
                    kind=kind,
                    note=note,
                    company=company_id,
                    uid=self.env.uid,
                    currency=row["currency_id"],
                    principal=-from_principal,
                    bonus=-from_bonus,
                    amount=-amount,
                    balance=balance,
                    result=Json(result),
                    balance_id=row["id"],
                    columns=SQL("").join(SQL(", %s", SQL.identifier(name)) for name in extra),
                    values=SQL("").join(SQL(", %s", value) for value in extra.values()),
                )
            )
            written = self.env.cr.fetchone()
            if written:
                self._member_invalidate_balance(row["id"])
                # the company's bookings read by the statement: no ORM read under the lock
                move_id, external, bonus_expense = written
                if external or (from_bonus and bonus_expense):
                    self.env["member.wallet.move"].browse(move_id)._post_spend_accounting(
                        from_bonus, external=amount
                    )
                return result
        # nothing written: a replay, else say why
        replayed = self._member_replayed(key, {kind}, amount)
        if replayed is not None:
            return replayed
        if float_compare(amount, total, precision_rounding=rounding) > 0:
            raise UserError(
                self.env._(
                    "%(member)s has %(balance)s of stored value; %(amount)s cannot be spent.",
                    member=self.display_name,
                    balance=total,
                    amount=amount,
                )
            )
        raise UserError(
            self.env._(
                "The idempotency key %s is in use; retry the operation.",
                self._member_key_label(key),
            )
        )

    def _member_points_redeem_lean(self, points, key, kind="redeem", result_func=None):
        """Debit ``points`` once per ``key`` (lots closest to expiry first); returns the result
        built by ``result_func(points_balance)``. One statement consumes the lots and updates
        the balance; the ledger row is created through the ORM (extensions hook its create)."""
        self.ensure_one()
        row = self._member_lock_balance()
        result = self._member_replayed(key, {kind}, points)
        if result is not None:
            return result
        if points > row["points"]:
            raise UserError(
                self.env._(
                    "%(member)s has %(balance)s points; %(points)s cannot be debited.",
                    member=self.display_name,
                    balance=row["points"],
                    points=points,
                )
            )
        self.env["member.points.lot"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH lots AS (
                    SELECT id, points_remaining,
                           SUM(points_remaining) OVER (ORDER BY expiry_date ASC NULLS LAST, id)
                               - points_remaining AS before
                      FROM member_points_lot
                     WHERE partner_id = %(partner)s AND points_remaining > 0
                ), covered AS (
                    SELECT COALESCE(SUM(points_remaining), 0) >= %(points)s AS ok FROM lots
                ), taken AS (
                    UPDATE member_points_lot l
                       SET points_remaining = l.points_remaining
                               - LEAST(lots.points_remaining, %(points)s - lots.before),
                           write_uid = %(uid)s, write_date = %(now)s
                      FROM lots
                     WHERE l.id = lots.id AND lots.before < %(points)s
                       AND (SELECT ok FROM covered)
                    RETURNING l.expiry_date
                )
                UPDATE member_balance
                   SET points = points - %(points)s, write_uid = %(uid)s, write_date = %(now)s
                 WHERE id = %(balance)s AND (SELECT ok FROM covered)
             RETURNING (SELECT MIN(expiry_date) FROM taken)
                """,
                partner=self.id,
                points=points,
                uid=self.env.uid,
                now=SQL("(now() AT TIME ZONE 'UTC')"),
                balance=row["id"],
            )
        )
        written = self.env.cr.fetchone()
        self._member_invalidate_balance(row["id"], lots=True)
        if not written:
            raise UserError(
                self.env._("The points lots of %s do not cover the debit.", self.display_name)
            )
        balance_after = row["points"] - points
        result = result_func(balance_after) if result_func else {"points": balance_after}
        self.env["member.points.move"].sudo().create(
            {
                **self._member_move_vals(key, kind),
                "points": -points,
                "points_after": balance_after,
                "lots_expiry_date": written[0],
                "result": result,
            }
        )
        return result
