import logging

import phonenumbers

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .res_partner_ledger import API_KEY_PREFIX

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    """External API (JSON-RPC / XML-RPC): plain dicts in, plain dicts out. See README."""

    # one concern per file: fields in res_partner.py, engine and API in their own files
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _member_dict(self):
        self.ensure_one()
        return {
            "id": self.id,
            "member_number": self.member_number,
            "name": self.name,
            "phone": self.member_phone or self.mobile or self.phone or False,
            "tier": self.member_tier_id.name or False,
            "points": self.member_points,
            "balance": self.member_wallet,
            "balance_principal": self.member_principal,
            "balance_bonus": self.member_bonus,
        }

    @api.model
    def member_find(self, query):
        """Members matching a member number, barcode or phone (any common format)."""
        self._member_check_rights()
        if not isinstance(query, str) or not query.strip():
            raise ValidationError(self.env._("Give a member number, barcode or phone to search."))
        return [member._member_dict() for member in self._member_lookup(query.strip())]

    @api.model
    def _member_lookup(self, query, limit=20):
        """Members by member number, then normalised phone, then barcode.

        Separate single-index queries: an OR with the company-dependent (jsonb) ``barcode``
        cannot use an index and would scan every partner.
        """
        members = self.search([("member_number", "=", query)], limit=limit)
        if members:
            return members
        phone = self._member_parse_phone(query)
        if phone:
            members = self.search([("member_phone", "=", phone)], limit=limit)
            if members:
                return members
        return self.search([("barcode", "=", query), ("member_number", "!=", False)], limit=limit)

    @api.model
    def _member_parse_phone(self, query):
        """``query`` in E.164 if it is a valid phone number, else False."""
        try:
            parsed = phonenumbers.parse(query, self._member_phone_region())
        except phonenumbers.NumberParseException:
            _logger.debug("member lookup: %r is not a phone number", query)
            return False
        if not phonenumbers.is_valid_number(parsed):
            return False
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    @api.model
    def member_enroll(self, vals):
        """Create a member from ``vals`` (name, phone, birthday, store_code, consents)."""
        self._member_check_rights()
        create_vals = self._member_prepare_enrol(vals, extra={"store_code"})
        store = {}
        if vals.get("store_code"):
            store = self._member_resolve_store(vals["store_code"])
        partner = self.create(create_vals)
        partner._member_enrol(config=store.get("config"), company=store.get("company"))
        return partner._member_dict()

    @api.model
    def _member_prepare_enrol(self, vals, extra=()):
        """Checked ``res.partner`` create values of an enrolment request (nothing written)."""
        if not isinstance(vals, dict):
            raise ValidationError(self.env._("Enrolment values must be a dictionary."))
        unknown = set(vals) - {
            "name", "phone", "birthday", "consent_sms", "consent_email", "gender", *extra,
        }  # fmt: skip
        if unknown:
            raise ValidationError(
                self.env._("Unknown enrolment fields: %s", ", ".join(sorted(unknown)))
            )
        name = (vals.get("name") or "").strip() if isinstance(vals.get("name"), str) else ""
        if not name:
            raise ValidationError(self.env._("A member needs a name."))
        if not isinstance(vals.get("phone"), str) or not vals["phone"].strip():
            raise ValidationError(self.env._("A member needs a phone number."))
        phone = self._member_format_phone(vals["phone"].strip())
        existing = self.search([("member_phone", "=", phone)], limit=1)
        if existing:
            raise UserError(
                self.env._(
                    "The phone %(phone)s already belongs to member %(number)s.",
                    phone=phone,
                    number=existing.member_number,
                )
            )
        create_vals = {"name": name, "phone": phone}
        if vals.get("birthday"):
            try:
                create_vals["birthday"] = fields.Date.to_date(vals["birthday"])
            except (TypeError, ValueError) as exc:
                raise ValidationError(
                    self.env._("Birthday '%s' is not a date (YYYY-MM-DD).", vals["birthday"])
                ) from exc
        if vals.get("gender"):
            if vals["gender"] not in dict(self._fields["gender"].selection):
                raise ValidationError(self.env._("Unknown gender '%s'.", vals["gender"]))
            create_vals["gender"] = vals["gender"]
        for flag in ("consent_sms", "consent_email"):
            create_vals[flag] = bool(vals.get(flag))
        return create_vals

    @api.model
    def _member_public_key(self, key):
        """The ledger key of a public API call's ``key`` (stripped): in the API's own
        namespace (``API_KEY_PREFIX``), apart from every key the server derives."""
        return API_KEY_PREFIX + self._member_check_key(key)

    def member_topup(self, amount, idempotency_key, payment_ref=None):
        """Credit ``amount`` of paid stored value plus its bonus; returns the new state.

        Member managers only: cashiers (member users through the POS group) take the money at a
        till, never credit a card directly over RPC.
        """
        self.ensure_one()
        self._member_check_rights("manager")
        amount = self._member_check_amount(amount)
        idempotency_key = self._member_public_key(idempotency_key)
        member = self.sudo()  # rights checked above; ledgers have no user write access
        return member._member_operation(
            idempotency_key,
            lambda balance: member._member_topup_apply(
                balance, amount, idempotency_key, payment_ref=payment_ref
            ),
            kinds={"topup"},
            same=lambda move: not self._member_currency().compare_amounts(
                move.amount_principal, amount
            ),
        )

    def member_wallet_spend(self, amount, idempotency_key):
        """Debit ``amount`` of stored value; refused (nothing written) if it exceeds the balance.

        Integrations only (``group_member_api``): a cashier spends stored value through a POS
        order (its payment authorised by ``member_pos_authorize_wallet``), never bare over RPC.
        """
        self.ensure_one()
        self._member_check_rights("api")
        idempotency_key = self._member_public_key(idempotency_key)
        # rights checked above; lean locked section (see res_partner_debit.py)
        return self.sudo()._member_wallet_debit(amount, idempotency_key)

    def member_points_redeem(self, points, idempotency_key):
        """Redeem ``points`` for their money value; returns {points, amount, points_balance}.
        Integrations only, as ``member_wallet_spend``."""
        self.ensure_one()
        self._member_check_rights("api")
        points = self._member_check_points(points)
        idempotency_key = self._member_public_key(idempotency_key)
        member = self.sudo()  # rights checked above
        return member._member_points_redeem_lean(
            points,
            idempotency_key,
            result_func=lambda points_balance: {
                "points": points,
                "amount": member._member_points_value(points),
                "points_balance": points_balance,
            },
        )

    def member_cashout(self, idempotency_key):
        """Close the card: return the unspent principal, void the bonus."""
        self.ensure_one()
        self._member_check_rights("manager")
        idempotency_key = self._member_public_key(idempotency_key)
        member = self.sudo()  # rights checked above

        def cashout(balance):
            # under the balance lock: no till can authorise meanwhile
            held = self.env["member.hold"].search_count(
                [("partner_id", "=", self.id), ("state", "=", "authorised")]
            )
            if held:
                raise UserError(
                    self.env._(
                        "A till holds an authorisation on %s's card: finish or cancel that "
                        "sale (or wait for the authorisation to expire) before cashing out.",
                        self.display_name,
                    )
                )
            principal, bonus = balance.principal, balance.bonus
            if not principal and not bonus:
                raise UserError(
                    self.env._("%s has no stored value to cash out.", self.display_name)
                )
            move = member._member_wallet_move(
                balance, -principal, -bonus, idempotency_key, "cashout"
            )
            move._post_accounting(cash=-principal, bonus=-bonus)
            move.result = {"principal_returned": principal, "bonus_voided": bonus}
            return move.result

        return member._member_operation(idempotency_key, cashout, kinds={"cashout"})

    def member_statement(self, limit=50):
        """The newest ``limit`` movements of both ledgers, newest first."""
        self.ensure_one()
        self._member_check_rights()
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 < limit <= 500:
            raise ValidationError(self.env._("The limit must be a whole number from 1 to 500."))
        rows = [
            {
                "ledger": "points",
                "date": fields.Datetime.to_string(move.date),
                "kind": move.kind,
                "points": move.points,
                "amount": 0.0,
                "origin": move.origin or "",
                "key": self._member_key_label(move.idempotency_key),
            }
            for move in self.env["member.points.move"].search(
                [("partner_id", "=", self.id)], limit=limit
            )
        ] + [
            {
                "ledger": "stored_value",
                "date": fields.Datetime.to_string(move.date),
                "kind": move.kind,
                "points": 0,
                "amount": move.amount,
                "principal": move.amount_principal,
                "bonus": move.amount_bonus,
                "origin": move.origin or "",
                "key": self._member_key_label(move.idempotency_key),
            }
            for move in self.env["member.wallet.move"].search(
                [("partner_id", "=", self.id)], limit=limit
            )
        ]
        rows.sort(key=lambda row: row["date"], reverse=True)
        return rows[:limit]

    def _member_adjust(self, target, amount, reason, key):
        """Manual adjustment by a manager: ``target`` is points, principal or bonus."""
        self.ensure_one()
        self._member_check_rights("manager")
        if not reason or not reason.strip():
            raise UserError(self.env._("An adjustment needs a reason."))
        member = self.sudo()  # manager rights checked above

        def adjust(balance):
            if target == "points":
                if amount > 0:
                    move = member._member_points_credit(balance, amount, key, "adjustment")
                else:
                    move = member._member_points_debit(balance, -amount, key, "adjustment")
            else:
                principal = amount if target == "principal" else 0.0
                bonus = amount if target == "bonus" else 0.0
                current = balance.principal if target == "principal" else balance.bonus
                if balance.currency_id.compare_amounts(current + amount, 0.0) < 0:
                    raise UserError(self.env._("The adjustment would make the balance negative."))
                move = member._member_wallet_move(balance, principal, bonus, key, "adjustment")
            move.note = reason
            if target != "points":
                move._post_adjustment_accounting()
            move.result = member._member_state(balance)
            return move.result

        return member._member_operation(key, adjust, kinds={"adjustment"})
