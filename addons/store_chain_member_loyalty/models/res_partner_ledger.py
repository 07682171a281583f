from odoo import api, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    """Every movement of points or stored value records its store."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _member_move_vals(self, key, kind, *args, **kwargs):
        vals = super()._member_move_vals(key, kind, *args, **kwargs)
        # sudo: the store of the order this movement is booked for, whoever books it
        order = self.env["pos.order"].sudo().browse(vals.get("pos_order_id"))
        vals["chain_store_id"] = self._chain_movement_store(order).id
        return vals

    def _member_wallet_debit_vals(self, key, kind):
        """The lean stored-value debit writes its row in SQL: its store goes in that row."""
        vals = super()._member_wallet_debit_vals(key, kind)
        vals["chain_store_id"] = self._chain_movement_store().id or None
        return vals

    def _member_wallet_debit_check(self, key, kind):
        """No lean debit dated inside a confirmed settlement period (as for ORM rows)."""
        self.env["chain.settlement"]._check_unlocked([self.env.cr.now()])
        return super()._member_wallet_debit_check(key, kind)

    @api.model
    def _chain_movement_store(self, order=None):
        """Store of a movement: the order's store (its POS session), else the store given in the
        context (``chain_store_id``, e.g. a top-up taken at a store's counter), else the user's
        current store. A store user books for the stores in their scope only."""
        if order and order.chain_store_id:
            return order.chain_store_id
        store_id = self.env.context.get("chain_store_id")
        if store_id:
            store = self.env["chain.store"].sudo().browse(store_id).exists()
        else:  # (kept in scope when written; the scope may have shrunk since)
            store = self.env.user.chain_store_id
        if not self.env.user._chain_may_act_for(store):
            raise AccessError(
                self.env._(
                    "You cannot book points or stored value for store %s: it is not one of "
                    "your stores.",
                    store.display_name,
                )
            )
        return store
