import logging
import math

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, float_round

_logger = logging.getLogger(__name__)

# the keys of the public API live in their own namespace: a caller's key can never be one the
# server derives (``pos.order:<uuid>:earn``, ``expire:<member>:<day>``...), so no call can
# claim, or answer in place of, an operation of the tills, the crons or another addon
API_KEY_PREFIX = "api:"
# the lowest group allowed each level of member operations (see _member_check_rights)
MEMBER_GROUPS = {
    "user": "member_loyalty.group_member_user",
    "api": "member_loyalty.group_member_api",
    "manager": "member_loyalty.group_member_manager",
}
# the largest amount (money or points) one call may move
MAX_AMOUNT = 1_000_000_000


def wallet_split(amount, principal, bonus, rounding, principal_first):
    """(principal, bonus) parts of a debit of ``amount`` (at most ``principal + bonus``):
    principal first, or both in proportion to the balance, rounded to ``rounding``."""
    if principal_first:
        part = min(amount, principal)
    else:
        part = min(
            float_round(amount * principal / (principal + bonus), precision_rounding=rounding),
            principal,
        )
    from_bonus = float_round(amount - part, precision_rounding=rounding)
    if float_compare(from_bonus, bonus, precision_rounding=rounding) > 0:
        from_bonus = bonus
        part = float_round(amount - bonus, precision_rounding=rounding)
    return part, from_bonus


class ResPartner(models.Model):
    """Ledger engine: every movement of points or stored value goes through these methods.

    Pattern of every operation: check rights, lock the member's balance row, replay the stored
    result if the idempotency key was already used, otherwise write the ledger rows and the
    balance delta and store the result on the operation's main row.
    """

    # one concern per file: fields in res_partner.py, engine and API in their own files
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ helpers

    @api.model
    def _member_check_rights(self, level="user"):
        """Refuse (``AccessError``) a user below ``level``: "user" (find and enrol members,
        serve them at a till), "api" (debit points or stored value with no POS order: an
        integration) or "manager" (top up, adjust, cash out)."""
        group = MEMBER_GROUPS[level]
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(
                self.env._("You are not allowed to change member points or stored value.")
            )

    @api.model
    def _member_today(self, timestamp=None):
        """The chain's day at ``timestamp`` (UTC, default now): in the company's time zone,
        else the user's. Not the user's alone: crons run as a user without one (UTC days:
        points due on the 31st would expire a day late, from a run just after midnight)."""
        tz = self.env.company.partner_id.tz or self.env.user.tz
        return fields.Date.context_today(self.with_context(tz=tz), timestamp)

    @api.model
    def _member_param(self, name, default):
        value = self.env["ir.config_parameter"].sudo().get_param(f"member_loyalty.{name}")
        return type(default)(value) if value not in (None, False, "") else default

    def _member_currency(self):
        return self.env.company.currency_id

    @api.model
    def _member_check_key(self, key):
        if not isinstance(key, str) or not key.strip() or len(key) > 200:
            raise ValidationError(
                self.env._(
                    "An idempotency key (a non-empty text of at most 200 characters) is required."
                )
            )
        return key.strip()

    @api.model
    def _member_key_label(self, key):
        """``key`` as its caller knows it (the API's namespace left out), for messages."""
        return key.removeprefix(API_KEY_PREFIX)

    @api.model
    def _member_check_number(self, amount):
        """Refuse what is not a finite positive number up to ``MAX_AMOUNT`` (JSON-RPC and
        XML-RPC both carry NaN and infinities; beyond that size a float loses the cents)."""
        if (
            isinstance(amount, bool)
            or not isinstance(amount, int | float)
            or not math.isfinite(amount)
        ):
            raise ValidationError(self.env._("The amount must be a number, got '%s'.", amount))
        if amount <= 0:
            raise ValidationError(self.env._("The amount must be positive, got %s.", amount))
        if amount > MAX_AMOUNT:
            raise ValidationError(
                self.env._(
                    "The amount must be at most %(max)s, got %(amount)s.",
                    max=MAX_AMOUNT,
                    amount=amount,
                )  # fmt: skip
            )
        return amount

    def _member_check_amount(self, amount):
        currency = self._member_currency()
        amount = currency.round(self._member_check_number(amount))
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise ValidationError(self.env._("The amount must be positive, got %s.", amount))
        return amount

    @api.model
    def _member_check_points(self, points):
        if isinstance(points, bool) or not isinstance(points, int) or not 0 < points <= MAX_AMOUNT:
            raise ValidationError(
                self.env._(
                    "Points must be a whole number from 1 to %(max)s, got '%(points)s'.",
                    max=MAX_AMOUNT,
                    points=points,
                )
            )
        return points

    def _member_replay(self, key, kinds=None, same=None):
        """Stored result of the operation done with ``key``, or None.

        ``kinds``: the movement kinds the operation writes; a key already used by another kind
        of operation is refused rather than answered with that operation's result; so is a key
        whose stored movement fails ``same(move)`` (another amount).
        """
        for model in ("member.wallet.move", "member.points.move"):
            self.env[model].flush_model(["idempotency_key"])
        # one query over both ledgers (the key is unique in each)
        self.env.cr.execute(
            SQL(
                """
                SELECT 'member.wallet.move', id FROM member_wallet_move WHERE idempotency_key = %s
                 UNION ALL
                SELECT 'member.points.move', id FROM member_points_move WHERE idempotency_key = %s
                 LIMIT 1
                """,
                key,
                key,
            )
        )
        for model, move_id in self.env.cr.fetchall():
            move = self.env[model].sudo().browse(move_id)
            if move.partner_id != self:
                raise UserError(
                    self.env._(
                        "The idempotency key %s was already used for another member.",
                        self._member_key_label(key),
                    )
                )
            if (kinds and move.kind not in kinds) or (same and not same(move)):
                raise UserError(
                    self.env._(
                        "The idempotency key %s was already used for another operation or "
                        "amount.",
                        self._member_key_label(key),
                    )
                )
            return move.result
        return None

    def _member_operation(self, key, func, kinds=None, same=None):
        """Run ``func(balance)`` once per ``key`` under the member's balance lock."""
        self.ensure_one()
        if not self.member_number:
            raise UserError(self.env._("%s is not a member.", self.display_name))
        key = self._member_check_key(key)
        balance = self.env["member.balance"].sudo()._lock(self)
        result = self._member_replay(key, kinds, same)
        if result is not None:
            return result
        try:
            with self.env.cr.savepoint():
                result = func(balance)
        except psycopg2.errors.UniqueViolation as exc:
            # the key was committed concurrently (e.g. by another member's operation)
            result = self._member_replay(key, kinds, same)
            if result is None:
                raise UserError(
                    self.env._(
                        "The idempotency key %s is in use; retry the operation.",
                        self._member_key_label(key),
                    )
                ) from exc
        return result

    def _member_points_bonus(self, points, key, origin=None):
        """Credit ``points`` of bonus (a campaign, a goodwill gesture) as a new lot, once per
        ``key``; returns the member state. Server-side entry point for other addons: the caller
        decides who may grant points (no RPC: private name)."""
        self.ensure_one()
        member = self.sudo()

        def credit(balance):
            move = member._member_points_credit(balance, points, key, "bonus", origin=origin)
            move.result = member._member_state(balance)
            return move.result

        return member._member_operation(
            key, credit, kinds={"bonus"}, same=lambda move: move.points == points
        )

    def _member_move_vals(self, key, kind, origin=None, order=None, note=None, extra=None):
        """Values of a ledger row; ``extra``: more fields (e.g. a bridge's origin link)."""
        config = order.config_id if order else self.env["pos.config"]
        return {
            **(extra or {}),
            "partner_id": self.id,
            "idempotency_key": key,
            "kind": kind,
            "origin": origin or (order.name if order else False),
            "note": note,
            "pos_order_id": order.id if order else False,
            "pos_config_id": config.id,
            "company_id": (order.company_id if order else self.env.company).id,
            "user_id": self.env.uid,
        }

    def _member_state(self, balance):
        return {
            "points": balance.points,
            "principal": balance.principal,
            "bonus": balance.bonus,
            "balance": balance.currency_id.round(balance.principal + balance.bonus),
        }

    # ------------------------------------------------------------------ points

    def _member_points_expiry_date(self, date=None):
        months = self._member_param("expiry_months", 12)
        if months <= 0:
            return False
        return (date or self._member_today()) + relativedelta(months=months, day=31)

    def _member_points_credit(self, balance, points, key, kind, **origin):
        """Credit ``points`` as a new lot; return the ledger row."""
        move = (
            self.env["member.points.move"]
            .sudo()
            .create(
                {
                    **self._member_move_vals(key, kind, **origin),
                    "points": points,
                    "points_after": balance.points + points,
                }
            )
        )
        move.lot_id = (
            self.env["member.points.lot"]
            .sudo()
            .create(
                {
                    "partner_id": self.id,
                    "points_initial": points,
                    "points_remaining": points,
                    "expiry_date": self._member_points_expiry_date(),
                    "move_id": move.id,
                }
            )
        )
        balance._apply(points=points)
        return move

    def _member_points_consume(self, points, lots=None):
        """Take ``points`` from the lots closest to expiry first; returns the expiry of the
        first lot taken (the earliest, False for lots that never expire)."""
        lots = lots or self.env["member.points.lot"].sudo().search(
            [("partner_id", "=", self.id), ("points_remaining", ">", 0)],
            order="expiry_date asc nulls last, id",
        )
        left = points
        expiry = False
        for lot in lots:
            if not left:
                break
            taken = min(left, lot.points_remaining)
            lot.points_remaining -= taken
            left -= taken
            expiry = expiry or lot.expiry_date
        if left:
            raise UserError(
                self.env._("The points lots of %s do not cover the debit.", self.display_name)
            )
        return expiry

    def _member_points_debit(self, balance, points, key, kind, **origin):
        """Debit ``points`` (closest-to-expiry lots first); refuse more than the balance."""
        if points > balance.points:
            raise UserError(
                self.env._(
                    "%(member)s has %(balance)s points; %(points)s cannot be debited.",
                    member=self.display_name,
                    balance=balance.points,
                    points=points,
                )
            )
        expiry = self._member_points_consume(points)
        move = (
            self.env["member.points.move"]
            .sudo()
            .create(
                {
                    **self._member_move_vals(key, kind, **origin),
                    "points": -points,
                    "points_after": balance.points - points,
                    "lots_expiry_date": expiry,
                }
            )
        )
        balance._apply(points=-points)
        return move

    @api.model
    def _member_points_value(self, points):
        """Money value of ``points`` at the configured redemption rate."""
        rate_points = self._member_param("redeem_points", 1000)
        rate_amount = self._member_param("redeem_amount", 40.0)
        return self._member_currency().round(points * rate_amount / rate_points)

    @api.model
    def _member_points_for_amount(self, amount):
        """Points needed to pay ``amount`` (rounded up)."""
        rate_points = self._member_param("redeem_points", 1000)
        rate_amount = self._member_param("redeem_amount", 40.0)
        return math.ceil(round(amount * rate_points / rate_amount, 6))

    @api.model
    def _member_claim_batches(self, query, batch_size, process, partner_ids=None):
        """Run ``process(partners)`` on batches of members claimed with ``query``.

        ``query`` (an ``SQL`` taking ``limit`` and ``ids`` placeholders) selects and locks
        members with ``FOR NO KEY UPDATE SKIP LOCKED``: two workers never take the same member
        and a member held by a till is left for the next batch. Each batch commits on its own
        (a crash keeps the done batches done); a batch hitting a serialization failure is rolled
        back and claimed again. ``partner_ids`` restricts the run (tests).
        """
        no_commit = self.env.context.get("member_no_commit")
        failures = 0
        done = set()
        while True:
            self.env.flush_all()
            try:
                self.env.cr.execute(query(batch_size, partner_ids))
                # a member claimed again was left as it was (its operation refused): once a run
                ids = [row[0] for row in self.env.cr.fetchall() if row[0] not in done]
                if not ids:
                    break
                process(self.browse(ids))
                done.update(ids)
                if not no_commit:
                    # crons commit per batch on purpose: done members stay done after a crash
                    self.env.flush_all()
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            except psycopg2.errors.SerializationFailure:
                if no_commit or failures >= 5:
                    raise
                failures += 1
                self.env.cr.rollback()
                self.env.invalidate_all()

    @api.model
    def _cron_expire_points(self, batch_size=500, partner_ids=None):
        """Expire every lot past its date (the chain's day), one ledger row per member and
        day."""
        today = self._member_today()

        def query(limit, ids):
            return SQL(
                """
                SELECT b.partner_id
                  FROM member_balance b
                 WHERE EXISTS (SELECT FROM member_points_lot l
                                WHERE l.partner_id = b.partner_id AND l.expiry_date < %(today)s
                                  AND l.points_remaining > 0)
                   AND (%(all)s OR b.partner_id = ANY(%(ids)s::int[]))
              ORDER BY b.partner_id
                 LIMIT %(limit)s
                   FOR NO KEY UPDATE SKIP LOCKED
                """,
                today=today,
                all=ids is None,
                ids=list(ids or []),
                limit=limit,
            )

        def process(partners):
            for partner in partners:
                try:
                    partner._member_expire_points(today)
                except UserError as error:  # nothing written for that member: the others go on
                    _logger.error("Points of member %s not expired: %s", partner.id, error)

        self._member_claim_batches(query, batch_size, process, partner_ids)

    def _member_expire_points(self, today):
        self.ensure_one()
        key = f"expire:{self.id}:{today}"

        def expire(balance):
            lots = self.env["member.points.lot"].search(
                [
                    ("partner_id", "=", self.id),
                    ("expiry_date", "<", today),
                    ("points_remaining", ">", 0),
                ]
            )
            points = sum(lots.mapped("points_remaining"))
            if not points:
                return {"points": 0}
            lots.write({"points_remaining": 0})
            move = (
                self.env["member.points.move"]
                .sudo()
                .create(
                    {
                        **self._member_move_vals(key, "expire"),
                        "points": -points,
                        "points_after": balance.points - points,
                    }
                )
            )
            balance._apply(points=-points)
            move.result = {"points": -points}
            return move.result

        return self.sudo()._member_operation(key, expire, kinds={"expire"})

    # ------------------------------------------------------------------ stored value

    def _member_wallet_move(self, balance, principal, bonus, key, kind, **origin):
        currency = balance.currency_id
        move = (
            self.env["member.wallet.move"]
            .sudo()
            .create(
                {
                    **self._member_move_vals(key, kind, **origin),
                    "currency_id": currency.id,
                    "amount_principal": principal,
                    "amount_bonus": bonus,
                    "balance_after": currency.round(
                        balance.principal + balance.bonus + principal + bonus
                    ),
                }
            )
        )
        balance._apply(principal=principal, bonus=bonus)
        if kind in ("spend", "refund") and bonus:
            move._post_spend_accounting(-bonus)
        return move

    def _member_wallet_split(self, balance, amount):
        """(principal, bonus) parts of a debit of ``amount``, per the configured order."""
        currency = balance.currency_id
        total = balance.principal + balance.bonus
        if currency.compare_amounts(amount, total) > 0:
            raise UserError(
                self.env._(
                    "%(member)s has %(balance)s of stored value; %(amount)s cannot be spent.",
                    member=self.display_name,
                    balance=currency.round(total),
                    amount=amount,
                )
            )
        return wallet_split(
            amount,
            balance.principal,
            balance.bonus,
            currency.rounding,
            self._member_param("spend_order", "proportional") == "principal",
        )

    def _member_topup_apply(
        self, balance, amount, key, payment_ref=None, book_payment=True, **origin
    ):
        """Top-up of ``amount`` with its bonus; returns the result dict.

        ``book_payment``: False when the money received is booked by its own sale (a top-up
        line sold at the till credits the deposits account): only the bonus is booked here.
        """
        rule = (
            self.env["member.topup.rule"]
            .sudo()
            ._get_rule(amount, self.member_tier_id, self.env.company)
        )
        bonus, bonus_points = rule._get_bonus(amount, balance.currency_id)
        move = self._member_wallet_move(balance, amount, 0.0, key, "topup", **origin)
        move.payment_ref = payment_ref
        if bonus:
            self._member_wallet_move(balance, 0.0, bonus, f"{key}/bonus", "bonus", **origin)
        if bonus_points:
            self._member_points_credit(balance, bonus_points, f"{key}/points", "bonus", **origin)
        move._post_accounting(cash=amount if book_payment else 0.0, bonus=bonus)
        self._member_update_tier()
        move.result = {
            **self._member_state(balance),
            "principal": balance.principal,
            "bonus": balance.bonus,
            "bonus_amount": bonus,
            "bonus_points": bonus_points,
        }
        return move.result
