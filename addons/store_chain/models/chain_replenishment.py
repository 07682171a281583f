from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# set by the workflow (HQ approval), never by the requesting store
WORKFLOW_FIELDS = frozenset(
    {"state", "approver_id", "picking_ids", "sale_order_id", "purchase_order_id", "company_id"}
)


class ChainReplenishment(models.Model):
    """A store's request for goods from the chain's distribution warehouse (要货)."""

    _name = "chain.replenishment"
    _description = "Store Replenishment Request"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    store_id = fields.Many2one(
        "chain.store",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user.chain_store_id,
    )
    store_type = fields.Selection(related="store_id.store_type")
    company_id = fields.Many2one(related="store_id.company_id", store=True)
    supply_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Distribution Warehouse",
        compute="_compute_supply_warehouse_id",
        store=True,
        readonly=False,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    date_request = fields.Date(
        string="Request Date", default=fields.Date.context_today, required=True
    )
    user_id = fields.Many2one(
        "res.users", string="Requested by", default=lambda self: self.env.user
    )
    approver_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False)
    line_ids = fields.One2many(
        "chain.replenishment.line", "replenishment_id", string="Lines", copy=True
    )
    note = fields.Text()
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True, copy=False)
    sale_order_id = fields.Many2one("sale.order", readonly=True, copy=False)
    purchase_order_id = fields.Many2one("purchase.order", readonly=True, copy=False)
    picking_count = fields.Integer(compute="_compute_picking_count")

    @api.depends("store_id")
    def _compute_supply_warehouse_id(self):
        for request in self:
            request.supply_warehouse_id = request.store_id.supply_warehouse_id

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for request in self:
            request.picking_count = len(request.picking_ids)

    def _is_hq(self):
        return self.env.su or self.env.user.has_group("store_chain.group_chain_hq")

    def _check_store_vals(self, vals, stores):
        """A store may only request from its own distribution warehouse and never sets the
        workflow fields (state, approval, generated transfers and orders)."""
        if self._is_hq():
            return
        forbidden = WORKFLOW_FIELDS & set(vals)
        if forbidden:
            raise AccessError(
                self.env._(
                    "Only Chain HQ can change these fields of a replenishment request: %s",
                    ", ".join(sorted(self._fields[name].string for name in forbidden)),
                )
            )
        if vals.get("supply_warehouse_id"):
            if "store_id" in vals:
                stores = self.env["chain.store"].browse(vals["store_id"])
            if stores.supply_warehouse_id.ids != [vals["supply_warehouse_id"]]:
                raise AccessError(
                    self.env._(
                        "Only Chain HQ can choose another distribution warehouse than the "
                        "store's own."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_store_vals(vals, self.env["chain.store"])
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("chain.replenishment") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if self._is_hq():
            return super().write(vals)
        for request in self:
            self._check_store_vals(vals, request.store_id)
        if "store_id" in vals and any(request.state != "draft" for request in self):
            raise AccessError(
                self.env._("Only Chain HQ can move a submitted request to another store.")
            )
        res = super().write(vals)
        if "store_id" in vals:
            # record rules are checked before a write: the new store must be in scope too
            self.check_access("write")
        return res

    def action_submit(self):
        for request in self:
            if not request.line_ids:
                raise UserError(
                    self.env._("Add at least one product before submitting the request.")
                )
        drafts = self.filtered(lambda r: r.state == "draft")
        drafts.check_access("write")
        # sudo: the state is a workflow field; the store may only move it through this button
        drafts.sudo().write({"state": "submitted"})

    def action_reject(self):
        self._check_hq()
        self.write({"state": "rejected"})

    def action_reset_draft(self):
        requests = self.filtered(lambda r: r.state in ("submitted", "rejected"))
        requests.check_access("write")
        # sudo: see action_submit
        requests.sudo().write({"state": "draft"})

    def _check_hq(self):
        if not self.env.user.has_group("store_chain.group_chain_hq"):
            raise AccessError(
                self.env._("Only chain HQ users can approve or reject replenishment requests.")
            )

    def action_approve(self):
        """HQ approves: transfers for a direct store, a sale + a purchase order for a franchise."""
        self._check_hq()
        # lock the requests first: a concurrent approval waits here and then fails (serialization)
        # instead of creating a second set of transfers or orders
        self.env.cr.execute(
            SQL(
                "SELECT id FROM chain_replenishment WHERE id IN %s FOR NO KEY UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["state"])
        for request in self:
            if request.state != "submitted":
                raise UserError(
                    self.env._("Only submitted requests can be approved (%s).", request.name)
                )
            if request.picking_ids or request.sale_order_id or request.purchase_order_id:
                raise UserError(
                    self.env._(
                        "Transfers or orders already exist for %s: it cannot be approved again.",
                        request.name,
                    )
                )
            lines = request.line_ids.filtered(lambda line: line.qty_approved > 0)
            if not lines:
                raise UserError(
                    self.env._("Approve a quantity on at least one line of %s.", request.name)
                )
            if not request.supply_warehouse_id:
                raise UserError(self.env._("Set the distribution warehouse of %s.", request.name))
            if not request.store_id.warehouse_id:
                raise UserError(
                    self.env._(
                        "Set the warehouse of store %s first.", request.store_id.display_name
                    )
                )
            if request.store_type == "franchise":
                request._create_franchise_orders(lines)
            else:
                request._create_direct_transfers(lines)
            request.write({"state": "approved", "approver_id": self.env.user.id})

    # -- direct stores --------------------------------------------------------------------------

    def _prepare_move_vals(self, line, picking):
        return {
            "name": line.product_id.display_name,
            "product_id": line.product_id.id,
            "product_uom_qty": line.qty_approved,
            "product_uom": line.product_uom_id.id,
            "location_id": picking.location_id.id,
            "location_dest_id": picking.location_dest_id.id,
            "company_id": picking.company_id.id,
            "picking_id": picking.id,
        }

    def _create_picking(self, picking_type, source, destination, lines, orig_moves=None):
        """One confirmed transfer with a move per line; `orig_moves` chains the new moves
        after the moves of the same product: they wait until those are done."""
        # sudo: HQ approves for a store whose company HQ may not have selected; the picking is
        # created in exactly the company of its picking type
        Picking = self.env["stock.picking"].sudo().with_company(picking_type.company_id)
        picking = Picking.create(
            {
                "picking_type_id": picking_type.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "origin": self.name,
                "company_id": picking_type.company_id.id,
            }
        )
        vals_list = [self._prepare_move_vals(line, picking) for line in lines]
        if orig_moves:
            by_product = orig_moves.grouped("product_id")
            for vals, line in zip(vals_list, lines, strict=True):
                vals["move_orig_ids"] = [Command.set(by_product[line.product_id].ids)]
        self.env["stock.move"].sudo().with_company(picking_type.company_id).create(vals_list)
        picking.action_confirm()
        return picking

    def _create_direct_transfers(self, lines):
        """Same company: one internal transfer; branch company: a delivery to the
        inter-company transit location and a receipt from it into the store."""
        supply = self.supply_warehouse_id
        store_wh = self.store_id.warehouse_id
        if supply.company_id == store_wh.company_id:
            pickings = self._create_picking(
                supply.int_type_id, supply.lot_stock_id, store_wh.lot_stock_id, lines
            )
        else:
            transit = self.env.ref("stock.stock_location_inter_company")
            if not transit.active:
                transit.sudo().active = True
            pickings = self._create_picking(supply.out_type_id, supply.lot_stock_id, transit, lines)
            # the store receives only what HQ has shipped: the receipt waits for the delivery
            pickings |= self._create_picking(
                store_wh.in_type_id,
                transit,
                store_wh.lot_stock_id,
                lines,
                orig_moves=pickings.move_ids,
            )
        self.picking_ids = [Command.link(p.id) for p in pickings]

    # -- franchise stores -----------------------------------------------------------------------

    def _create_franchise_orders(self, lines):
        supply = self.supply_warehouse_id
        hq_company = supply.company_id
        store_company = self.store_id.company_id
        # sudo: the sale order lives in HQ's books and the purchase order in the franchisee's;
        # the approver (HQ) may not have both companies selected
        sale = (
            self.env["sale.order"]
            .sudo()
            .with_company(hq_company)
            .create(
                {
                    "partner_id": store_company.partner_id.id,
                    "company_id": hq_company.id,
                    "warehouse_id": supply.id,
                    "origin": self.name,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "product_uom_qty": line.qty_approved,
                                "product_uom": line.product_uom_id.id,
                            }
                        )
                        for line in lines
                    ],
                }
            )
        )
        sale.action_confirm()
        prices = {sol.product_id.id: sol.price_unit for sol in sale.order_line}
        purchase = (
            self.env["purchase.order"]
            .sudo()
            .with_company(store_company)
            .create(
                {
                    "partner_id": hq_company.partner_id.id,
                    "company_id": store_company.id,
                    "picking_type_id": self.store_id.warehouse_id.in_type_id.id,
                    "origin": self.name,
                    "partner_ref": sale.name,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "product_qty": line.qty_approved,
                                "product_uom": line.product_uom_id.id,
                                "price_unit": prices.get(line.product_id.id, 0.0),
                            }
                        )
                        for line in lines
                    ],
                }
            )
        )
        purchase.button_confirm()
        self.write(
            {
                "sale_order_id": sale.id,
                "purchase_order_id": purchase.id,
                "picking_ids": [
                    Command.link(p.id) for p in sale.picking_ids | purchase.picking_ids
                ],
            }
        )

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {}
        return action
