from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

PAID_STATES = ("paid", "done", "invoiced")
# fields that define the store's scope (record rules follow them): HQ only
STRUCTURAL_FIELDS = frozenset(
    {
        "company_id",
        "warehouse_id",
        "supply_warehouse_id",
        "user_ids",
        "manager_ids",
        "region_id",
        "pos_config_ids",
        "analytic_account_id",
        "store_type",
        "franchisee_id",
        "code",
        "active",
    }
)


class ChainStore(models.Model):
    """A store of the chain: one company, one warehouse, its POS configurations."""

    _name = "chain.store"
    _description = "Chain Store"
    _inherit = ["mail.thread"]
    _order = "code, name"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Unique store code, e.g. SH01.")
    active = fields.Boolean(default=True)
    store_type = fields.Selection(
        [("direct", "Direct"), ("franchise", "Franchise")],
        required=True,
        default="direct",
        tracking=True,
        help="Direct stores are owned by the chain (usually a branch company of HQ); "
        "franchise stores are separate companies with their own books.",
    )
    state = fields.Selection(
        [("draft", "Planned"), ("open", "Open"), ("closed", "Closed")],
        required=True,
        default="draft",
        tracking=True,
    )
    region_id = fields.Many2one("chain.region", index=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        check_company=True,
        index=True,
        tracking=True,
    )
    supply_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Distribution Warehouse",
        help="Warehouse of the chain that replenishes this store.",
    )
    pos_config_ids = fields.One2many("pos.config", "chain_store_id", string="Points of Sale")
    analytic_account_id = fields.Many2one("account.analytic.account", check_company=True)
    manager_ids = fields.Many2many(
        "res.users",
        "chain_store_manager_rel",
        "store_id",
        "user_id",
        string="Store Managers",
    )
    user_ids = fields.Many2many(
        "res.users",
        "chain_store_user_rel",
        "store_id",
        "user_id",
        string="Store Users",
        help="Users allowed to work in this store.",
    )
    franchisee_id = fields.Many2one("res.partner", tracking=True)
    partner_id = fields.Many2one("res.partner", string="Address")
    street = fields.Char(related="partner_id.street")
    city = fields.Char(related="partner_id.city")
    phone = fields.Char(related="partner_id.phone")
    opening_date = fields.Date()
    closing_date = fields.Date()
    note = fields.Html()

    sales_today = fields.Monetary(compute="_compute_key_figures", currency_field="currency_id")
    sales_month = fields.Monetary(
        compute="_compute_key_figures", currency_field="currency_id", string="Sales (30 days)"
    )
    ticket_count_month = fields.Integer(compute="_compute_key_figures", string="Tickets (30 days)")
    average_ticket_month = fields.Monetary(
        compute="_compute_key_figures",
        currency_field="currency_id",
        string="Average Ticket (30 days)",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The store code must be unique."),
    ]

    @api.constrains("opening_date", "closing_date")
    def _check_dates(self):
        for store in self:
            if (
                store.opening_date
                and store.closing_date
                and store.closing_date < store.opening_date
            ):
                raise ValidationError(
                    self.env._(
                        "The closing date of store %s is before its opening date.",
                        store.display_name,
                    )
                )

    @api.constrains("company_id", "pos_config_ids")
    def _check_pos_config_company(self):
        for store in self:
            wrong = store.pos_config_ids.filtered(lambda c, s=store: c.company_id != s.company_id)
            if wrong:
                raise ValidationError(
                    self.env._(
                        "Point of sale %(pos)s belongs to another company than store %(store)s.",
                        pos=wrong[0].name,
                        store=store.display_name,
                    )
                )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for store in self:
            store.display_name = f"[{store.code}] {store.name}" if store.code else store.name

    def _compute_key_figures(self):
        """Today's and last 30 days' sales of every store in grouped queries.

        Sales are net of refunds; a refund (negative total) is not a ticket; the average ticket
        is the average of the tickets (refunds excluded), as in the sales analysis.
        """
        now = fields.Datetime.now()
        # the start of the user's day, in UTC as date_order (not midnight UTC of that day)
        local_now = fields.Datetime.context_timestamp(self, now)
        today = (
            local_now.tzinfo.localize(datetime.combine(local_now.date(), time.min))
            .astimezone(pytz.utc)
            .replace(tzinfo=None)
        )
        figures = {}
        for key, since in (("today", today), ("month", now - timedelta(days=30))):
            domain = [
                ("chain_store_id", "in", self.ids),
                ("state", "in", PAID_STATES),
                ("date_order", ">=", since),
            ]
            Order = self.env["pos.order"]
            sales = dict(Order._read_group(domain, ["chain_store_id"], ["amount_total:sum"]))
            tickets = {
                store: (amount, count)
                for store, amount, count in Order._read_group(
                    [*domain, ("amount_total", ">=", 0)],
                    ["chain_store_id"],
                    ["amount_total:sum", "__count"],
                )
            }
            for store in self:
                figures[(key, store.id)] = (sales.get(store, 0.0), *tickets.get(store, (0.0, 0)))
        for store in self:
            month_sales, ticket_amount, month_count = figures[("month", store.id)]
            store.sales_today = figures[("today", store.id)][0]
            store.sales_month = month_sales
            store.ticket_count_month = month_count
            store.average_ticket_month = ticket_amount / month_count if month_count else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        stores = super().create(vals_list)
        self.env.registry.clear_cache()
        self.env["res.users"].invalidate_model(["chain_scope_store_ids"])
        return stores

    def write(self, vals):
        structural = STRUCTURAL_FIELDS & set(vals)
        if structural and not (
            self.env.su or self.env.user.has_group("store_chain.group_chain_hq")
        ):
            raise AccessError(
                self.env._(
                    "Only Chain HQ can change these fields of a store: %s",
                    ", ".join(sorted(self._fields[name].string for name in structural)),
                )
            )
        res = super().write(vals)
        if {"region_id", "warehouse_id", "manager_ids", "user_ids", "active"} & set(vals):
            # record rules scope users to their stores: cached rule domains are stale now
            self.env.registry.clear_cache()
            self.env["res.users"].invalidate_model(["chain_scope_store_ids"])
        return res

    def action_open(self):
        self.write({"state": "open"})

    def action_close(self):
        self.write(
            {
                "state": "closed",
                "closing_date": self.closing_date or fields.Date.context_today(self),
            }
        )

    def action_view_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("point_of_sale.action_pos_pos_form")
        action["domain"] = [("chain_store_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_report(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "store_chain.action_chain_sales_report"
        )
        action["domain"] = [("store_id", "=", self.id)]
        return action

    def action_view_incoming(self):
        """Transfers on their way into the store's warehouse (receipts, replenishment)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        view_location = self.warehouse_id.view_location_id.id
        action["domain"] = [
            ("location_dest_id", "child_of", view_location),
            ("location_id", "not any", [("id", "child_of", view_location)]),
            ("state", "not in", ("draft", "done", "cancel")),
        ]
        action["context"] = {}
        return action

    def action_view_stock(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Stock of %s", self.display_name),
            "res_model": "stock.quant",
            "view_mode": "list",
            "domain": [
                ("location_id.warehouse_id", "=", self.warehouse_id.id),
                ("location_id.usage", "=", "internal"),
            ],
            "context": {"search_default_productgroup": 1},
        }
