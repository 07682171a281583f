from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

MAX_UUID = 100


class PosOrder(models.Model):
    """Till RPCs that authorise and release member spends against a synced draft order."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    member_hold_ids = fields.One2many("member.hold", "pos_order_id", string="Member Authorisations")
    member_sync_issue = fields.Char(
        readonly=True,
        copy=False,
        help="Written by the server when a member spend of this order could not be booked "
        "as the till showed it.",
    )

    def _member_pos_check_draft(self):
        """The order's member, after checking the till may still authorise on this order."""
        self.ensure_one()
        self.env["res.partner"]._member_check_rights()
        if self.state != "draft":
            raise UserError(
                self.env._("Order %s is no longer open: start a new payment.", self.name)
            )
        if self.session_id.state in ("closing_control", "closed"):
            raise UserError(self.env._("The session of order %s is not open.", self.name))
        if not self.partner_id.member_number:
            raise UserError(self.env._("Select a member on the order first."))
        return self.partner_id.with_company(self.company_id).sudo()  # rights checked above

    def _member_pos_check_uuid(self, uuid):
        if not isinstance(uuid, str) or not uuid.strip() or len(uuid) > MAX_UUID:
            raise ValidationError(self.env._("A till reference (uuid) is required."))
        return uuid.strip()

    def member_pos_authorize_wallet(self, payment_uuid, amount):
        """Authorise a stored-value payment line: debit now, captured when the order syncs."""
        member = self._member_pos_check_draft()
        uuid = self._member_pos_check_uuid(payment_uuid)
        if not self.config_id.payment_method_ids.filtered(
            lambda pm: pm.payment_method_type == "member_balance"
        ):
            raise UserError(self.env._("This point of sale takes no member balance payments."))
        if self.lines.product_id & self.config_id.member_topup_product_id:
            raise UserError(self.env._("A top-up cannot be paid with stored value."))
        amount = member._member_check_amount(amount)
        currency = member.member_balance_id.currency_id
        if currency and currency != self.currency_id:
            raise UserError(
                self.env._(
                    "The member's stored value is in %(balance)s; this point of sale sells in "
                    "%(pos)s.",
                    balance=currency.name,
                    pos=self.currency_id.name,
                )
            )
        return self.env["member.hold"]._authorise_wallet(
            member, self.sudo(), f"pos.payment:{uuid}", amount, uuid
        )

    def member_pos_authorize_points(self, line_uuid, points):
        """Authorise a points redemption line (money value up to the order total)."""
        member = self._member_pos_check_draft()
        uuid = self._member_pos_check_uuid(line_uuid)
        points = member._member_check_points(points)
        value = member._member_points_value(points)
        goods = sum(
            self.lines.filtered(lambda line: line.uuid != uuid).mapped("price_subtotal_incl")
        )
        if self.currency_id.compare_amounts(value, goods) > 0:
            raise UserError(
                self.env._(
                    "%(points)s points are worth %(value)s, more than the order total %(total)s.",
                    points=points,
                    value=value,
                    total=self.currency_id.round(goods),
                )
            )
        return self.env["member.hold"]._authorise_points(
            member, self.sudo(), f"pos.order.line:{uuid}:redeem", points, uuid
        )

    def member_pos_release(self, key):
        """Give an authorisation of this order back (payment reversed, line removed)."""
        self.ensure_one()
        self.env["res.partner"]._member_check_rights()
        hold = (
            self.env["member.hold"]
            .sudo()
            .search(
                [("key", "=", key if isinstance(key, str) else ""), ("pos_order_id", "=", self.id)]
            )
        )
        if not hold:
            raise ValidationError(self.env._("No authorisation %s on this order.", key))
        hold._release()
        return {
            "key": hold.key,
            "state": hold.state,
            **hold.partner_id._member_state(hold.partner_id.member_balance_id),
        }

    def action_pos_order_cancel(self):
        drafts = self.filtered(lambda order: order.state == "draft")
        res = super().action_pos_order_cancel()
        cancelled = drafts.filtered(lambda order: order.state == "cancel")
        # sudo: money reserved for a cancelled order always goes back to the member
        cancelled.sudo().member_hold_ids.filtered(lambda h: h.state == "authorised")._release()
        return res
