from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from odoo import models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, float_is_zero, float_round

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

    The locked section is a handful of SQL statements: lock and read the balance row (with its
    member number and currency rounding), look the idempotency key up in both ledgers, then one
    statement writing the ledger row (stored-value spends) or consuming the lots, and updating
    the balance. The ORM caches of exactly what changed are invalidated afterwards. Every
    guarantee of ``_member_operation`` holds: rights checked by the caller, the same replay
    answers, CHECK constraints, complete ledger rows.
    """

    # one concern per file: fields in res_partner.py, engine and API in their own files
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _member_lock_row(self, key):
        """Lock the balance row of this member (created if needed) and return its values with
        what the ledgers hold under ``key``: ``{id, points, principal, bonus, currency_id,
        rounding, member_number, replay_partner_id, replay_kind, replay_quantity,
        replay_result}``.

        One statement: under REPEATABLE READ the key lookup sees the same snapshot as the
        lock, and a concurrent commit on this row makes the lock fail (serialization failure,
        retried), so a key used concurrently for this member is always seen by the retry.
        """
        self.ensure_one()
        Balance = self.env["member.balance"].sudo()
        Balance.flush_model()
        for model in ("member.wallet.move", "member.points.move"):
            self.env[model].flush_model(["idempotency_key", "result"])
        self.flush_recordset(["member_number"])
        query = SQL(
            """
            SELECT b.id, b.points, b.principal, b.bonus, b.currency_id, c.rounding,
                   p.member_number, r.partner_id AS replay_partner_id, r.kind AS replay_kind,
                   r.quantity AS replay_quantity, r.result AS replay_result
              FROM member_balance b
              JOIN res_partner p ON p.id = b.partner_id
              JOIN res_currency c ON c.id = b.currency_id
         LEFT JOIN LATERAL (
                    SELECT partner_id, kind, -(amount_principal + amount_bonus) AS quantity, result
                      FROM member_wallet_move WHERE idempotency_key = %(key)s
                     UNION ALL
                    SELECT partner_id, kind, -points, result
                      FROM member_points_move WHERE idempotency_key = %(key)s
                     LIMIT 1
                   ) r ON TRUE
             WHERE b.partner_id = %(partner)s
               FOR NO KEY UPDATE OF b
            """,
            key=key,
            partner=self.id,
        )
        self.env.cr.execute(query)
        row = self.env.cr.dictfetchone()
        if row is None:
            if not self.member_number:
                raise UserError(self.env._("%s is not a member.", self.display_name))
            Balance._lock(self)  # creates the row
            self.env.cr.execute(query)
            row = self.env.cr.dictfetchone()
        if not row["member_number"]:
            raise UserError(self.env._("%s is not a member.", self.display_name))
        return row

    def _member_replayed(self, row, key, kinds, quantity):
        """Result stored under ``key`` (looked up by ``_member_lock_row``), or None.

        ``quantity``: the debited amount (stored value) or points the call asks for; a key used
        for another member, another kind of operation or another quantity is refused.
        """
        if row["replay_partner_id"] is None:
            return None
        if row["replay_partner_id"] != self.id:
            raise UserError(
                self.env._("The idempotency key %s was already used for another member.", key)
            )
        if row["replay_kind"] not in kinds or float_compare(row["replay_quantity"], quantity, 6):
            raise UserError(
                self.env._(
                    "The idempotency key %s was already used for another operation or amount.",
                    key,
                )
            )
        return row["replay_result"]

    def _member_read_committed(self):
        """Run this transaction in READ COMMITTED when the debit opens it (no statement yet).

        Under Odoo's REPEATABLE READ, a debit that waits for the member's row lock always fails
        with a serialization failure once the holder commits, and the RPC layer then sleeps a
        random 0-2 s (then 0-4 s...) before retrying: contended debits of one member collapse.
        In READ COMMITTED the debit statement re-reads the locked row after the wait (the row
        lock is the guarantee), as a bare SQL client would. This applies only when nothing has
        run in the transaction yet, so no earlier read of this transaction is affected; the
        public API debits (``member_wallet_spend``) are the whole transaction of their RPC.
        Returns True when it did so.
        """
        cnx = getattr(self.env.cr, "_cnx", None)
        if cnx is None or cnx.info.transaction_status != TRANSACTION_STATUS_IDLE:
            return False
        self.env.cr.execute(SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))
        return True

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
        bridge's store). Called before the statement; the values must be plain column values.
        """
        return {}

    def _member_wallet_debit_check(self, key, kind):
        """Extension hook of the lean debit: raise to refuse the debit before anything is
        written (what a bridge checks in the ``create`` of ORM rows). Its row is dated
        ``self.env.cr.now()`` (the transaction's UTC time)."""
        return True

    def _member_wallet_debit(self, amount, key, kind="spend", note=None):
        """Debit ``amount`` of stored value once per ``key``; returns the new state.

        One statement locks the balance row, looks the key up in both ledgers, rounds and
        splits the amount (principal/bonus, per the spending order), and, only when the key is
        new and the balance covers the amount, writes the spend row and the balance. The row
        lock is thus held for that statement and the commit only. Refusals write nothing.
        Extensions add columns and checks through ``_member_wallet_debit_vals`` and
        ``_member_wallet_debit_check`` (no ORM create on this path).
        """
        self.ensure_one()
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ValidationError(self.env._("The amount must be a number, got '%s'.", amount))
        if amount <= 0:
            raise ValidationError(self.env._("The amount must be positive, got %s.", amount))
        principal_first = self._member_param("spend_order", "proportional") == "principal"
        # the user's company unless the context picks one (env.company checks that choice)
        company_id = self.env.company.id if self.env.context.get("allowed_company_ids") else None
        for model in ("member.balance", "member.wallet.move", "member.points.move"):
            self.env[model].flush_model()
        self.flush_recordset(["member_number"])
        read_committed = self._member_read_committed()
        # the hooks run after the isolation level is set (they may read)
        self._member_wallet_debit_check(key, kind)
        extra = self._member_wallet_debit_vals(key, kind)
        query = SQL(
            """
            WITH locked AS (
                SELECT b.id, b.points, b.principal, b.bonus, b.currency_id, c.rounding,
                       p.member_number,
                       ROUND(%(amount)s::numeric / c.rounding) * c.rounding AS amount
                  FROM member_balance b
                  JOIN res_partner p ON p.id = b.partner_id
                  JOIN res_currency c ON c.id = b.currency_id
                 WHERE b.partner_id = %(partner)s
                   FOR NO KEY UPDATE OF b
            ), used AS (
                SELECT partner_id, kind, -(amount_principal + amount_bonus) AS quantity, result
                  FROM member_wallet_move WHERE idempotency_key = %(key)s
                 UNION ALL
                SELECT partner_id, kind, -points, result
                  FROM member_points_move WHERE idempotency_key = %(key)s
                 LIMIT 1
            ), first_split AS (
                SELECT l.*, LEAST(l.principal, CASE
                           WHEN %(principal_first)s THEN l.amount
                           ELSE ROUND(l.amount * l.principal / NULLIF(l.principal + l.bonus, 0)
                                      / l.rounding) * l.rounding
                       END) AS part
                  FROM locked l
            ), split AS (
                SELECT s.*,
                       CASE WHEN s.amount - s.part > s.bonus THEN s.amount - s.bonus
                            ELSE s.part END AS from_principal,
                       LEAST(s.amount - s.part, s.bonus) AS from_bonus
                  FROM first_split s
                 WHERE s.member_number IS NOT NULL AND s.amount > 0
                   AND s.amount <= s.principal + s.bonus AND NOT EXISTS (SELECT FROM used)
            ), move AS (
                INSERT INTO member_wallet_move (
                    partner_id, date, idempotency_key, kind, note, company_id, user_id,
                    currency_id, amount_principal, amount_bonus, amount, balance_after, result,
                    create_uid, create_date, write_uid, write_date%(extra_columns)s)
                SELECT %(partner)s, %(now)s, %(key)s, %(kind)s, %(note)s,
                       COALESCE(%(company)s, (SELECT company_id FROM res_users
                                               WHERE id = %(uid)s)),
                       %(uid)s, s.currency_id, -s.from_principal, -s.from_bonus, -s.amount,
                       s.principal + s.bonus - s.amount,
                       jsonb_build_object(
                           'points', s.points,
                           'principal', s.principal - s.from_principal,
                           'bonus', s.bonus - s.from_bonus,
                           'balance', s.principal + s.bonus - s.amount),
                       %(uid)s, %(now)s, %(uid)s, %(now)s%(extra_values)s
                  FROM split s
                    ON CONFLICT (idempotency_key) DO NOTHING
             RETURNING id, company_id, result
            ), balance AS (
                UPDATE member_balance b
                   SET principal = b.principal - s.from_principal,
                       bonus = b.bonus - s.from_bonus, write_uid = %(uid)s, write_date = %(now)s
                  FROM split s
                 WHERE b.id = s.id AND EXISTS (SELECT FROM move)
             RETURNING b.id
            )
            SELECT l.id, l.points, l.principal, l.bonus, l.rounding, l.member_number, l.amount,
                   u.partner_id AS replay_partner_id, u.kind AS replay_kind,
                   u.quantity AS replay_quantity, u.result AS replay_result,
                   m.id AS move_id, m.company_id, m.result, s.from_bonus
              FROM locked l
         LEFT JOIN used u ON TRUE
         LEFT JOIN move m ON TRUE
         LEFT JOIN split s ON TRUE
            """,
            partner=self.id,
            amount=amount,
            key=key,
            kind=kind,
            note=note,
            principal_first=principal_first,
            company=company_id,
            uid=self.env.uid,
            now=SQL("(now() AT TIME ZONE 'UTC')"),
            extra_columns=SQL("").join(SQL(", %s", SQL.identifier(column)) for column in extra),
            extra_values=SQL("").join(SQL(", %s", value) for value in extra.values()),
        )
        self.env.cr.execute(query)
        row = self.env.cr.dictfetchone()
        if row is None:  # no balance row yet: create it, then debit
            if not self.member_number:
                raise UserError(self.env._("%s is not a member.", self.display_name))
            self.env["member.balance"].sudo()._lock(self)
            self.env.cr.execute(query)
            row = self.env.cr.dictfetchone()
        if read_committed and not row["move_id"] and row["replay_partner_id"] is None:
            # the key may have been committed while this statement waited for the lock (its
            # lookup ran before): run it again, it now sees the key (or writes)
            self.env.cr.execute(query)
            row = self.env.cr.dictfetchone()
        if row["move_id"]:
            self._member_invalidate_balance(row["id"])
            if row["from_bonus"]:
                move = self.env["member.wallet.move"].browse(row["move_id"])
                if move.company_id.member_bonus_booking == "expense":
                    move._post_bonus_expense(row["from_bonus"])
            return row["result"]
        # nothing written: say why
        if not row["member_number"]:
            raise UserError(self.env._("%s is not a member.", self.display_name))
        rounding = row["rounding"]
        amount = row["amount"]
        if float_is_zero(amount, precision_rounding=rounding):
            raise ValidationError(self.env._("The amount must be positive, got %s.", amount))
        result = self._member_replayed(row, key, {kind}, amount)
        if result is not None:
            return result
        total = float_round(row["principal"] + row["bonus"], precision_rounding=rounding)
        if float_compare(amount, total, precision_rounding=rounding) > 0:
            raise UserError(
                self.env._(
                    "%(member)s has %(balance)s of stored value; %(amount)s cannot be spent.",
                    member=self.display_name,
                    balance=total,
                    amount=amount,
                )
            )
        raise UserError(self.env._("The idempotency key %s is in use; retry the operation.", key))

    def _member_points_redeem_lean(self, points, key, kind="redeem", result_func=None):
        """Debit ``points`` once per ``key`` (lots closest to expiry first); returns the result
        built by ``result_func(points_balance)``. One statement consumes the lots and updates
        the balance; the ledger row is created through the ORM (extensions hook its create)."""
        self.ensure_one()
        row = self._member_lock_row(key)
        result = self._member_replayed(row, key, {kind}, points)
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
                    RETURNING l.id
                )
                UPDATE member_balance
                   SET points = points - %(points)s, write_uid = %(uid)s, write_date = %(now)s
                 WHERE id = %(balance)s AND (SELECT ok FROM covered)
             RETURNING (SELECT COUNT(*) FROM taken)
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
                "result": result,
            }
        )
        return result
