from odoo import fields
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import MemberLoyaltyCommon

MEMBER_NUMBER = "M900000001"


@tagged("post_install", "-at_install")
class TestMemberPosCompanies(MemberLoyaltyCommon, TestPointOfSaleHttpCommon):
    """One member at the tills of a branch company (child of the main company) and of a
    separate franchise company: one balance, ledger rows in the till's company, member prices
    of that company's tier pricelist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_member_config()
        main = cls.main_pos_config.company_id
        cls.branch = cls._create_company(
            name="Member Branch", parent_id=main.id, currency_id=main.currency_id.id
        )
        cls.franchise = cls._create_company(
            name="Member Franchise", currency_id=main.currency_id.id
        )
        cls.rice = cls.env["product.product"].create(
            {"name": "Member Rice", "available_in_pos": True, "list_price": 100.0,
             "taxes_id": False}
        )  # fmt: skip
        # a product of no company gets the default sale tax of every company: none here
        # (sudo: the other companies' taxes are not visible to the test user)
        companies = cls.env["res.company"].sudo().search([])
        cls.rice.sudo().with_context(allowed_company_ids=companies.ids).taxes_id = [(5, 0, 0)]
        shared = cls._member_prices("Gold member prices", 80.0, False)
        own = cls._member_prices("Gold franchise prices", 70.0, cls.franchise)
        cls.tier_gold.write({"pricelist_id": shared.id, "company_pricelist_ids": [(6, 0, own.ids)]})
        cls.pos_user.write({"company_ids": [(4, cls.branch.id), (4, cls.franchise.id)]})
        cls.branch_config = cls._member_company_config(cls.branch, "BR")
        cls.franchise_config = cls._member_company_config(cls.franchise, "FR")
        (
            cls.env.ref("member_loyalty.product_member_redeem")
            | cls.env.ref("member_loyalty.product_member_topup")
        ).active = True
        cls.member = cls._new_member("Zhang Wei", "+86 138 0013 8001")
        # sudo: member number and tier are engine-written fields; fixed here for the tours
        cls.member.sudo().write(
            {"member_number": MEMBER_NUMBER, "member_tier_id": cls.tier_gold.id}
        )
        cls.member._member_adjust("points", 1200, "tour setup", "company-tour-points")
        for bundle in ("point_of_sale.assets_prod", "web.assets_tests"):
            assets = cls.env["ir.qweb"]._get_asset_bundle(bundle)
            assets.js()
            assets.css()

    @classmethod
    def _member_prices(cls, name, price, company):
        return cls.env["product.pricelist"].create(
            {
                "name": name,
                "company_id": company and company.id,
                "item_ids": [
                    fields.Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.rice.id,
                            "compute_price": "fixed",
                            "fixed_price": price,
                        }
                    )
                ],
            }
        )

    @classmethod
    def _member_company_config(cls, company, code):
        """A till of ``company`` with cash, bank and member balance payment methods."""
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=[company.id]))
        Journal = env["account.journal"]
        cash = Journal.create(
            {"name": f"Cash {code}", "type": "cash", "code": f"C{code}", "company_id": company.id}
        )
        bank = Journal.create(
            {"name": f"Bank {code}", "type": "bank", "code": f"B{code}", "company_id": company.id}
        )
        Method = env["pos.payment.method"]
        methods = Method.create(
            [
                {"name": "Cash", "journal_id": cash.id, "company_id": company.id},
                {"name": "Bank", "journal_id": bank.id, "company_id": company.id},
                {
                    "name": "Member Balance",
                    "journal_id": bank.id,
                    "company_id": company.id,
                    "payment_method_type": "member_balance",
                },
            ]
        )
        return env["pos.config"].create(
            {
                "name": f"Member till {code}",
                "company_id": company.id,
                "payment_method_ids": [(6, 0, methods.ids)],
            }
        )

    def setUp(self):
        super().setUp()
        self.addCleanup(self.assertLedgersConsistent)

    def _company_tour(self, config, tour):
        self.member.member_topup(100.0, f"company-tour-topup-{config.id}")
        config.with_user(self.pos_user).with_company(config.company_id).open_ui()
        self.start_pos_tour(tour, pos_config=config)
        return self.env["pos.order"].search(
            [("config_id", "=", config.id), ("state", "in", ("paid", "done"))]
        )

    def _assert_booked_in(self, order, company, price, earned):
        self.assertEqual(order.company_id, company)
        rice = order.lines.filtered(lambda line: line.product_id == self.rice)
        self.assertEqual((rice.qty, rice.price_unit), (2, price))
        points, wallet = order.member_points_move_ids, order.member_wallet_move_ids
        self.assertEqual(sorted(points.mapped("kind")), ["earn", "redeem"])
        self.assertEqual(wallet.mapped("kind"), ["spend"])
        self.assertEqual(points.company_id | wallet.company_id, company)
        self.assertEqual(order.member_points_earned, earned)
        holds = self.env["member.hold"].search([("pos_order_id", "=", order.id)])
        self.assertEqual(set(holds.mapped("state")), {"captured"})
        self.assertEqual(set(holds.company_id), {company})

    def test_same_member_at_branch_and_franchise_tills(self):
        branch_order = self._company_tour(self.branch_config, "MemberBranchTour")
        self.assertEqual(len(branch_order), 1)
        self._assert_booked_in(branch_order, self.branch, 80.0, 80)
        self.assertEqual((self.member.member_points, self.member.member_wallet), (780, 0.0))

        franchise_order = self._company_tour(self.franchise_config, "MemberFranchiseTour")
        self.assertEqual(len(franchise_order), 1)
        self._assert_booked_in(franchise_order, self.franchise, 70.0, 40)
        # one balance for the chain, whatever the till's company
        balance = self.env["member.balance"].search([("partner_id", "=", self.member.id)])
        self.assertEqual(len(balance), 1)
        self.assertEqual((balance.points, balance.principal + balance.bonus), (320, 0.0))
