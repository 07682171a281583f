from odoo import api, models


class PosOrder(models.Model):
    """Duplicate-order protection: a uuid claim per pushed order (``member.pos.sync.claim``)."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def sync_from_ui(self, orders):
        # claim the uuids before any order is looked up, so a concurrent push of the same order
        # is retried after this one commits instead of creating a second pos.order (here rather
        # than in _get_open_order, which pos_restaurant overrides without calling super);
        # sorted, so two pushes of the same orders never wait for each other crosswise
        uuids = sorted({order["uuid"] for order in orders if order.get("uuid")})
        self.env["member.pos.sync.claim"]._claim(uuids)
        return super().sync_from_ui(orders)
