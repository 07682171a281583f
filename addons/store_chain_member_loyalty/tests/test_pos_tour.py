from odoo.tests import tagged

from odoo.addons.member_loyalty.tests.common import MemberLoyaltyCommon
from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon


@tagged("post_install", "-at_install")
class TestMemberOtherStoreTour(MemberLoyaltyCommon, TestPointOfSaleHttpCommon):
    """The till of another store than the member's home store finds the member."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls._setup_member_config()
        cls.env["product.product"].create(
            {"name": "Chain Rice", "available_in_pos": True, "list_price": 10.0, "taxes_id": False}
        )
        # the stock tour setup archives every POS product but its own: member_loyalty's
        # service products (points redemption, top-up) are needed by its till code
        for xmlid in (
            "member_loyalty.product_member_redeem",
            "member_loyalty.product_member_topup",
        ):
            product = cls.env.ref(xmlid, raise_if_not_found=False)
            if product:
                product.active = True
        # the chain's structure is HQ's: set up as superuser
        Store = cls.env["chain.store"].sudo()
        warehouse_a = cls.env["stock.warehouse"].sudo().create({"name": "Home A", "code": "THA"})
        store_a = Store.create(
            {"name": "Home A", "code": "T-HA", "warehouse_id": warehouse_a.id, "state": "open"}
        )
        cls.store_b = Store.create(
            {
                "name": "Till B",
                "code": "T-TB",
                "warehouse_id": cls.main_pos_config.picking_type_id.warehouse_id.id,
                "state": "open",
            }
        )
        cls.main_pos_config.sudo().chain_store_id = cls.store_b
        cls.pos_user.sudo().write(
            {
                "groups_id": [(4, cls.env.ref("store_chain.group_chain_store_user").id)],
                "chain_store_ids": [(6, 0, cls.store_b.ids)],
            }
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "Han Meimei", "phone": "+86 138 0013 8100", "member_home_store_id": store_a.id}
        )
        cls.member._member_enrol()
        cls.member.member_topup(100.0, "tour-topup")

    def test_other_store_till_finds_member(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("ChainMemberOtherStoreTour")
        # the till saw identity and balances only: the partner's personal data stays hidden
        values = self.member.with_user(self.pos_user).read(["name", "phone"])[0]
        self.assertEqual((values["name"], values["phone"]), ("Han Meimei", False))
