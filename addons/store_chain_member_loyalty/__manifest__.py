{
    "name": "Store Chain - Member Loyalty",
    "version": "18.0.1.0.0",
    "summary": "Members across stores: home store, personal data scope, stored-value settlement "
    "between stores and HQ, member figures per store",
    "author": "Chain Retail Team",
    "license": "LGPL-3",
    "category": "Sales/Point of Sale",
    "depends": ["store_chain", "member_loyalty"],
    "data": [
        "security/ir.model.access.csv",
        "security/store_chain_member_loyalty_security.xml",
        "views/chain_settlement_views.xml",
        "views/chain_member_report_views.xml",
        "views/res_partner_views.xml",
        "views/member_ledger_views.xml",
        "views/store_chain_member_loyalty_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "store_chain_member_loyalty/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
}
