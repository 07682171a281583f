{
    "name": "Store Chain",
    "version": "18.0.1.0.0",
    "summary": "HQ > region > store hierarchy, direct and franchise stores, "
    "per-store data separation, replenishment and store reporting",
    "author": "Chain Retail Team",
    "license": "LGPL-3",
    "category": "Sales/Point of Sale",
    "depends": ["point_of_sale", "stock", "analytic", "sale_management", "purchase"],
    "data": [
        "security/store_chain_groups.xml",
        "security/ir.model.access.csv",
        "security/store_chain_security.xml",
        "data/ir_sequence_data.xml",
        "views/chain_region_views.xml",
        "views/chain_store_views.xml",
        "views/chain_replenishment_views.xml",
        "views/chain_sales_report_views.xml",
        "views/res_users_views.xml",
        "views/pos_config_views.xml",
        "views/store_chain_menus.xml",
    ],
    "demo": [
        "demo/store_chain_demo.xml",
    ],
    "application": True,
}
