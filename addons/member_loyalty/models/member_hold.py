from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

HOLD_STATES = [
    ("authorised", "Authorised"),
    ("captured", "Captured"),
    ("released", "Released"),
    ("expired", "Expired"),
]


class MemberHold(models.Model):
    """Authorisation of a member spend at the till: authorise → capture → (release | expire).

    Authorising debits the ledger at once under the hold's key (the money is reserved, a
    second till sees the lower balance); capture (at order sync) only marks the hold, releasing
    or expiring credits the value back under ``<key>:release`` / ``<key>:expire``. Every state
    change runs under the member's balance lock, so a late sync and the expiry cron never both
    act on one hold.
    """

    _name = "member.hold"
    _description = "Member Authorisation"
    _order = "id desc"
    _rec_name = "key"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, readonly=True
    )
    kind = fields.Selection(
        [("wallet", "Stored value"), ("points", "Points")], required=True, readonly=True
    )
    key = fields.Char(required=True, readonly=True, help="Idempotency key of the debit.")
    ref_uuid = fields.Char(
        string="Till Reference", readonly=True, index=True, help="Payment or order line uuid."
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount = fields.Monetary(readonly=True, help="Money value authorised.")
    principal = fields.Monetary(readonly=True)
    bonus = fields.Monetary(readonly=True)
    points = fields.Integer(readonly=True)
    state = fields.Selection(
        HOLD_STATES, required=True, default="authorised", index=True, readonly=True
    )
    expires_at = fields.Datetime(required=True, readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", readonly=True, index="btree_not_null"
    )
    pos_config_id = fields.Many2one("pos.config", string="Point of Sale", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Cashier", readonly=True)
    note = fields.Char(readonly=True)

    _sql_constraints = [
        ("key_unique", "UNIQUE(key)", "An authorisation with this key already exists."),
    ]

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            "member_hold_expiry_idx",
            self._table,
            ["expires_at"],
            where="state = 'authorised'",
        )
        return res

    # ------------------------------------------------------------------ authorise

    @api.model
    def _expiry(self):
        minutes = self.env["res.partner"]._member_param("hold_minutes", 30)
        return fields.Datetime.now() + timedelta(minutes=max(minutes, 1))

    @api.model
    def _hold_vals(self, member, order, kind, key, ref_uuid):
        return {
            "partner_id": member.id,
            "kind": kind,
            "key": key,
            "ref_uuid": ref_uuid,
            "expires_at": self._expiry(),
            "pos_order_id": order.id,
            "pos_config_id": order.config_id.id,
            "company_id": order.company_id.id,
            "user_id": self.env.uid,
        }

    @api.model
    def _check_reusable(self, key):
        """A key whose hold was released or expired cannot authorise again."""
        hold = self.sudo().search([("key", "=", key)], limit=1)
        if hold and hold.state in ("released", "expired"):
            raise UserError(
                self.env._(
                    "This authorisation was already %(state)s; start a new payment.",
                    state=dict(HOLD_STATES)[hold.state].lower(),
                )
            )
        return hold

    @api.model
    def _authorise_wallet(self, member, order, key, amount, ref_uuid):
        """Debit ``amount`` of stored value now; return the hold's result dict."""
        currency = member.member_balance_id.currency_id or member._member_currency()

        def authorise(balance):
            principal, bonus = member._member_wallet_split(balance, amount)
            move = member._member_wallet_move(
                balance, -principal, -bonus, key, "spend", order=order
            )
            hold = self.sudo().create(
                {
                    **self._hold_vals(member, order, "wallet", key, ref_uuid),
                    "currency_id": balance.currency_id.id,
                    "amount": amount,
                    "principal": principal,
                    "bonus": bonus,
                }
            )
            move.result = {
                **member._member_state(balance),
                "key": key,
                "amount": amount,
                "spent_principal": principal,
                "spent_bonus": bonus,
                "expires_at": fields.Datetime.to_string(hold.expires_at),
            }
            return move.result

        self._check_reusable(key)
        return member._member_operation(
            key,
            authorise,
            kinds={"spend"},
            same=lambda move: currency.compare_amounts(-move.amount, amount) == 0,
        )

    @api.model
    def _authorise_points(self, member, order, key, points, ref_uuid):
        """Debit ``points`` now; return the hold's result dict (with the money value)."""

        def authorise(balance):
            amount = member._member_points_value(points)
            move = member._member_points_debit(balance, points, key, "redeem", order=order)
            hold = self.sudo().create(
                {
                    **self._hold_vals(member, order, "points", key, ref_uuid),
                    "currency_id": balance.currency_id.id,
                    "amount": amount,
                    "points": points,
                }
            )
            move.result = {
                **member._member_state(balance),
                "key": key,
                "amount": amount,
                "redeemed_points": points,
                "expires_at": fields.Datetime.to_string(hold.expires_at),
            }
            return move.result

        self._check_reusable(key)
        return member._member_operation(
            key, authorise, kinds={"redeem"}, same=lambda move: -move.points == points
        )

    # ------------------------------------------------------------------ settle

    def _lock_member(self):
        """Lock the member's balance and re-read the hold (a concurrent change is final)."""
        self.ensure_one()
        balance = self.env["member.balance"].sudo()._lock(self.partner_id)
        self.invalidate_recordset()
        return balance

    def _give_back(self, balance, suffix, share=1.0):
        """Credit back (a ``share`` of) the hold's value under ``<key>:<suffix>``."""
        member = self.partner_id
        key = f"{self.key}:{suffix}"
        order = self.pos_order_id
        note = self.env._("Authorisation %(key)s given back (%(why)s)", key=self.key, why=suffix)
        if self.kind == "wallet":
            principal = self.currency_id.round(self.principal * share)
            bonus = self.currency_id.round(self.amount * share) - principal
            move = member._member_wallet_move(
                balance, principal, bonus, key, "refund", order=order, note=note
            )
        else:
            points = round(self.points * share)
            if not points:
                return
            move = member._member_points_credit(
                balance, points, key, "refund", order=order, note=note
            )
            self._keep_expiry(move, self._points_lots_expiry())
        move.result = member._member_state(balance)

    def _release(self, suffix="release"):
        """Give the held value back unless it was captured; idempotent."""
        for hold in self.sudo():
            balance = hold._lock_member()
            if hold.state != "authorised":
                continue
            hold._give_back(balance, suffix)
            hold.state = "expired" if suffix == "expire" else "released"
        return True

    def _capture(self, order, value):
        """Capture the hold for ``order`` (``value``: money amount or points of the till).

        Returns ``False`` when done; otherwise a message for the order's sync issue. A hold
        released or expired before the till came back is debited again (``<key>:recapture``)
        if the balance allows; a value below the hold captures it and gives the rest back.
        """
        self.ensure_one()
        hold = self.sudo()
        balance = hold._lock_member()
        if hold.state == "captured":
            return False
        member = order._member_get_partner()
        if hold.partner_id != member:
            return hold._refuse_other_member(balance, member)
        held = hold.amount if hold.kind == "wallet" else hold.points
        if hold.kind == "wallet":
            bigger = hold.currency_id.compare_amounts(value, held)
        else:
            bigger = (value > held) - (value < held)
        if hold.state == "authorised" and bigger <= 0:
            if bigger < 0:
                hold._give_back(balance, "partial", share=1 - value / held)
            hold.write({"state": "captured", "pos_order_id": order.id})
            return False
        # released/expired (till came back late) or more than authorised: debit what is missing
        missing = value if hold.state != "authorised" else value - held
        suffix = "recapture" if hold.state != "authorised" else "extra"
        key = f"{hold.key}:{suffix}"
        try:
            with self.env.cr.savepoint():
                if hold.kind == "wallet":
                    member._member_operation(
                        key,
                        lambda bal: order._member_capture_wallet(member, bal, missing, key),
                        kinds={"spend"},
                    )
                else:
                    member._member_operation(
                        key,
                        lambda bal: self._debit_points(member, bal, missing, key, order),
                        kinds={"redeem"},
                    )
        except UserError as error:
            return self.env._(
                "%(member)s: the authorisation %(key)s was %(state)s and could not be taken "
                "again: %(error)s",
                member=member.display_name,
                key=hold.key,
                state=dict(HOLD_STATES)[hold.state].lower(),
                error=error.args[0],
            )
        hold.write({"state": "captured", "pos_order_id": order.id})
        return False

    def _refuse_other_member(self, balance, member):
        """The till changed the order's member after authorising: the hold's member gets the
        value back (never captured for someone else's order); returns the sync issue."""
        self.ensure_one()
        if self.state == "authorised":
            self._give_back(balance, "other-member")
            self.state = "released"
        return self.env._(
            "The authorisation %(key)s was made on the card of %(holder)s, not of the order's "
            "customer %(customer)s: it was given back to %(holder)s, and this order's payment "
            "was taken from no card.",
            key=self.key,
            holder=self.partner_id.display_name,
            customer=member.display_name or self.env._("(no customer)"),
        )

    def _points_lots_expiry(self):
        """Earliest expiry of the lots the hold's points debits took (the authorisation and a
        recapture): points given back for the hold keep it. None without a hold."""
        if not self:
            return None
        debits = (
            self.env["member.points.move"]
            .sudo()
            .search(
                [
                    ("idempotency_key", "in", [self.key, f"{self.key}:recapture"]),
                    ("lots_expiry_date", "!=", False),
                ]
            )
        )
        return min(debits.mapped("lots_expiry_date"), default=None)

    @api.model
    def _keep_expiry(self, move, expiry):
        """Date the lot of the given-back points ``move`` like the lots they were taken from
        (no date known, or lots without expiry: the lot keeps its default date)."""
        if expiry and move.lot_id:
            move.lot_id.expiry_date = expiry

    @api.model
    def _credit_points(self, member, balance, points, key, order, expiry=None):
        move = member._member_points_credit(balance, points, key, "refund", order=order)
        self._keep_expiry(move, expiry)
        move.result = member._member_state(balance)
        return move.result

    @api.model
    def _debit_points(self, member, balance, points, key, order):
        move = member._member_points_debit(balance, points, key, "redeem", order=order)
        move.result = member._member_state(balance)
        return move.result

    # ------------------------------------------------------------------ expiry

    @api.model
    def _cron_expire(self, batch_size=200):
        """Give back the authorisations of tills that never came back.

        A paid order captures its holds when it syncs (and gives back the ones it no longer
        uses), so an authorised hold past its time belongs to a till that never came back.
        Commits per batch like the other member crons.
        """
        while True:
            self.flush_model(["state", "expires_at"])
            ids = [
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        """
                        SELECT id FROM member_hold
                         WHERE state = 'authorised' AND expires_at < %s
                      ORDER BY expires_at
                         LIMIT %s
                           FOR UPDATE SKIP LOCKED
                        """,
                        fields.Datetime.now(),
                        batch_size,
                    )
                )
            ]
            if not ids:
                break
            for hold in self.sudo().browse(ids):
                hold._release("expire")
            if self.env.context.get("member_no_commit"):
                break
            # crons commit per batch on purpose: given-back holds stay given back
            self.env.cr.commit()  # pylint: disable=invalid-commit
