from uuid import uuid4

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user


class ChainCommon(TransactionCase):
    """HQ > East (> Shanghai area) and South; store A (Shanghai), store B (South), both direct
    stores in the main company, each with its own warehouse and POS; plus users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        Region = cls.env["chain.region"]
        cls.region_hq = Region.create({"name": "HQ", "code": "T-HQ"})
        cls.region_east = Region.create(
            {"name": "East", "code": "T-E", "parent_id": cls.region_hq.id}
        )
        cls.region_sh = Region.create(
            {"name": "Shanghai", "code": "T-SH", "parent_id": cls.region_east.id}
        )
        cls.region_south = Region.create(
            {"name": "South", "code": "T-S", "parent_id": cls.region_hq.id}
        )
        Warehouse = cls.env["stock.warehouse"]
        cls.wh_dist = Warehouse.search([("company_id", "=", cls.company.id)], limit=1)
        cls.wh_a = Warehouse.create(
            {"name": "Store A", "code": "TSA", "company_id": cls.company.id}
        )
        cls.wh_b = Warehouse.create(
            {"name": "Store B", "code": "TSB", "company_id": cls.company.id}
        )
        Store = cls.env["chain.store"]
        cls.store_a = Store.create(
            {
                "name": "Store A",
                "code": "T-A",
                "region_id": cls.region_sh.id,
                "warehouse_id": cls.wh_a.id,
                "supply_warehouse_id": cls.wh_dist.id,
                "state": "open",
            }
        )
        cls.store_b = Store.create(
            {
                "name": "Store B",
                "code": "T-B",
                "region_id": cls.region_south.id,
                "warehouse_id": cls.wh_b.id,
                "supply_warehouse_id": cls.wh_dist.id,
                "state": "open",
            }
        )
        PosConfig = cls.env["pos.config"]
        cls.config_a = PosConfig.create(
            {
                "name": "POS A",
                "chain_store_id": cls.store_a.id,
                "picking_type_id": cls.wh_a.pos_type_id.id,
            }
        )
        cls.config_b = PosConfig.create(
            {
                "name": "POS B",
                "chain_store_id": cls.store_b.id,
                "picking_type_id": cls.wh_b.pos_type_id.id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Chain Test Rice",
                "is_storable": True,
                "available_in_pos": True,
                "list_price": 50.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.product_2 = cls.env["product.product"].create(
            {
                "name": "Chain Test Oil",
                "is_storable": True,
                "list_price": 30.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.customer = cls.env["res.partner"].create({"name": "Chain Customer"})
        cls.user_a = new_test_user(
            cls.env,
            login="t_store_a",
            groups="base.group_user,store_chain.group_chain_store_user",
            name="Store A cashier",
        )
        cls.user_a.chain_store_ids = cls.store_a
        cls.manager_a = new_test_user(
            cls.env,
            login="t_store_a_boss",
            groups="base.group_user,store_chain.group_chain_store_manager",
            name="Store A manager",
        )
        cls.store_a.manager_ids = cls.manager_a
        cls.manager_east = new_test_user(
            cls.env,
            login="t_region_east",
            groups="base.group_user,store_chain.group_chain_region_manager",
            name="East manager",
        )
        cls.region_east.manager_ids = cls.manager_east
        cls.user_hq = new_test_user(
            cls.env, login="t_hq", groups="base.group_user,store_chain.group_chain_hq", name="HQ"
        )

    @classmethod
    def _open_session(cls, config):
        session = config.current_session_id
        if not session:
            session = cls.env["pos.session"].create(
                {"config_id": config.id, "user_id": cls.env.uid}
            )
        return session

    @classmethod
    def _sync_order(cls, config, amount=50.0, partner=None, qty=1):
        """Send one paid order through the standard POS sync, as the POS client does."""
        session = cls._open_session(config)
        uuid = str(uuid4())
        price = amount / qty
        data = {
            "amount_paid": amount,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": amount,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "fiscal_position_id": False,
            "pricelist_id": config.pricelist_id.id,
            "name": f"Order {uuid}",
            "last_order_preparation_change": "{}",
            "lines": [
                Command.create(
                    {
                        "product_id": cls.product.id,
                        "qty": qty,
                        "price_unit": price,
                        "price_subtotal": amount,
                        "price_subtotal_incl": amount,
                        "tax_ids": [Command.set([])],
                        "pack_lot_ids": [],
                    }
                )
            ],
            "partner_id": partner.id if partner else False,
            "session_id": session.id,
            "sequence_number": 1,
            "payment_ids": [
                Command.create(
                    {
                        "amount": amount,
                        "name": fields.Datetime.now(),
                        "payment_method_id": config.payment_method_ids[:1].id,
                    }
                )
            ],
            "uuid": uuid,
            "user_id": cls.env.uid,
            "to_invoice": False,
            "state": "paid",
        }
        result = cls.env["pos.order"].sync_from_ui([data])
        return cls.env["pos.order"].browse(result["pos.order"][0]["id"])
