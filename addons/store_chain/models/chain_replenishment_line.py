from odoo import api, fields, models
from odoo.exceptions import UserError


class ChainReplenishmentLine(models.Model):
    _name = "chain.replenishment.line"
    _description = "Store Replenishment Line"

    replenishment_id = fields.Many2one(
        "chain.replenishment", required=True, ondelete="cascade", index=True
    )
    state = fields.Selection(related="replenishment_id.state")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        domain=[("type", "=", "consu"), ("is_storable", "=", True)],
    )
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    qty_requested = fields.Float(
        string="Requested", digits="Product Unit of Measure", required=True, default=1.0
    )
    qty_approved = fields.Float(
        string="Approved",
        digits="Product Unit of Measure",
        compute="_compute_qty_approved",
        store=True,
        readonly=False,
        precompute=True,
        help="Quantity HQ approves; defaults to the requested quantity.",
    )
    qty_available = fields.Float(
        string="Store Stock", compute="_compute_store_quantities", digits="Product Unit of Measure"
    )
    incoming_qty = fields.Float(
        string="Store Incoming",
        compute="_compute_store_quantities",
        digits="Product Unit of Measure",
    )

    _sql_constraints = [
        (
            "qty_requested_positive",
            "CHECK(qty_requested > 0)",
            "The requested quantity must be positive.",
        ),
        (
            "qty_approved_positive",
            "CHECK(qty_approved >= 0)",
            "The approved quantity cannot be negative.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        requests = self.env["chain.replenishment"].browse(
            [vals["replenishment_id"] for vals in vals_list if vals.get("replenishment_id")]
        )
        self._check_editable(requests)
        if not requests._is_hq():
            # the approved quantity is HQ's: the requested one until HQ decides
            for vals in vals_list:
                vals.pop("qty_approved", None)
        return super().create(vals_list)

    def write(self, vals):
        self._check_editable(self.replenishment_id)
        if not self.replenishment_id._is_hq():
            # (the form sends it back, recomputed from the requested quantity)
            vals = {name: value for name, value in vals.items() if name != "qty_approved"}
        if "replenishment_id" in vals:
            self._check_editable(self.env["chain.replenishment"].browse(vals["replenishment_id"]))
        return super().write(vals)

    def unlink(self):
        self._check_editable(self.replenishment_id)
        return super().unlink()

    def _check_editable(self, requests):
        """Stores edit lines of draft requests only; HQ also adjusts submitted ones."""
        if self.env.su:
            return
        editable = ("draft", "submitted") if requests._is_hq() else ("draft",)
        locked = requests.filtered(lambda r: r.state not in editable)
        if locked:
            raise UserError(
                self.env._(
                    "The lines of replenishment request %(name)s cannot be changed in state "
                    "%(state)s.",
                    name=locked[0].name,
                    state=dict(locked._fields["state"]._description_selection(self.env))[
                        locked[0].state
                    ],
                )
            )

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            line.product_uom_id = line.product_id.uom_id

    @api.depends("qty_requested")
    def _compute_qty_approved(self):
        for line in self:
            line.qty_approved = line.qty_requested

    @api.depends("product_id", "replenishment_id.store_id.warehouse_id")
    def _compute_store_quantities(self):
        for warehouse, lines in self.grouped(
            lambda line: line.replenishment_id.store_id.warehouse_id
        ).items():
            if not warehouse:
                lines.qty_available = lines.incoming_qty = 0.0
                continue
            products = lines.product_id.with_context(warehouse_id=warehouse.id)
            quantities = {p.id: (p.qty_available, p.incoming_qty) for p in products}
            for line in lines:
                line.qty_available, line.incoming_qty = quantities.get(
                    line.product_id.id, (0.0, 0.0)
                )
