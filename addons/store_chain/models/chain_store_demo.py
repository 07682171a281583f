import random
from datetime import timedelta
from uuid import uuid4

from odoo import Command, api, fields, models


class ChainStore(models.Model):
    """Demo data helpers only (called from demo/store_chain_demo.xml)."""

    _inherit = "chain.store"

    @api.model
    def _setup_demo_store(self, store_ids):
        """Demo data only: a chart of accounts for each store company that has none (branches
        share their root's) and one POS configuration per store on the store's warehouse."""
        template = self.env.ref("base.main_company").chart_template or "generic_coa"
        for store in self.browse(store_ids):
            company = store.company_id
            if store.warehouse_id.code != store.code:
                # the warehouse stock created for the company: name it after the store
                store.warehouse_id.write({"name": store.name, "code": store.code})
            if not company.chart_template:
                # _load, not try_loading: try_loading warns while the registry is still loading
                self.env["account.chart.template"]._load(
                    company.root_id.chart_template or template, company, install_demo=False
                )
            if not store.pos_config_ids:
                PosConfig = self.env["pos.config"].with_company(company)
                # a cash method of the store's own company: the default methods of a branch
                # would be its parent's, which pos.config refuses
                cash_method = PosConfig._create_cash_payment_method()
                PosConfig.create(
                    {
                        "name": store.name,
                        "chain_store_id": store.id,
                        "company_id": company.id,
                        "picking_type_id": store.warehouse_id.pos_type_id.id,
                        "payment_method_ids": [Command.set(cash_method.ids)],
                    }
                )
        self.env.ref("base.user_admin").company_ids = [
            Command.link(company.id) for company in self.browse(store_ids).company_id
        ]

    @api.model
    def _setup_demo_orders(self, store_ids, orders_per_store=12):
        """Demo data only: paid POS orders over the last 30 days for the store dashboard,
        sent through the standard POS sync like a till does."""
        rng = random.Random(42)
        products = self.env["product.product"].search(
            [("available_in_pos", "=", True), ("company_id", "=", False), ("list_price", ">", 0)],
            limit=10,
        )
        partners = self.env["res.partner"].search(
            [("company_id", "=", False), ("is_company", "=", False), ("email", "!=", False)],
            limit=8,
        )
        if not products:
            return
        now = fields.Datetime.now()
        for store in self.browse(store_ids):
            config = store.pos_config_ids[:1]
            if not config or not config.payment_method_ids:
                continue
            session = config.current_session_id or self.env["pos.session"].create(
                {"config_id": config.id, "user_id": self.env.uid}
            )
            orders = []
            for number in range(orders_per_store):
                lines = []
                for product in rng.sample(products.ids, k=min(3, len(products))):
                    product = products.browse(product)
                    qty = rng.randint(1, 3)
                    lines.append(
                        Command.create(
                            {
                                "product_id": product.id,
                                "qty": qty,
                                "price_unit": product.list_price,
                                "price_subtotal": product.list_price * qty,
                                "price_subtotal_incl": product.list_price * qty,
                                "tax_ids": [Command.set([])],
                                "pack_lot_ids": [],
                            }
                        )
                    )
                total = sum(line[2]["price_subtotal_incl"] for line in lines)
                uuid = str(uuid4())
                partner = rng.choice(partners.ids + [False] * 4) if partners else False
                orders.append(
                    {
                        "uuid": uuid,
                        "name": f"Order {uuid}",
                        "session_id": session.id,
                        "sequence_number": number + 1,
                        "date_order": fields.Datetime.to_string(
                            now - timedelta(days=rng.randint(0, 29))
                        ),
                        "partner_id": partner,
                        "user_id": self.env.uid,
                        "pricelist_id": config.pricelist_id.id,
                        "fiscal_position_id": False,
                        "lines": lines,
                        "payment_ids": [
                            Command.create(
                                {
                                    "amount": total,
                                    "name": fields.Datetime.now(),
                                    "payment_method_id": config.payment_method_ids[:1].id,
                                }
                            )
                        ],
                        "amount_paid": total,
                        "amount_total": total,
                        "amount_tax": 0,
                        "amount_return": 0,
                        "last_order_preparation_change": "{}",
                        "to_invoice": False,
                        "state": "paid",
                    }
                )
            self.env["pos.order"].with_company(store.company_id).sync_from_ui(orders)
