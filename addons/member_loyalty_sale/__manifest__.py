{
    "name": "Member Loyalty - Sales",
    "version": "18.0.1.0.0",
    "summary": "Members earn points on confirmed sale orders; cancellations and credit notes "
    "take them back",
    "author": "Chain Retail Team",
    "license": "LGPL-3",
    "category": "Sales/Sales",
    "depends": ["member_loyalty", "sale"],
    "data": [
        "views/member_points_move_views.xml",
        "views/sale_order_views.xml",
    ],
    "auto_install": True,
}
