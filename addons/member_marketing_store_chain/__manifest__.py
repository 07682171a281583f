{
    "name": "Member Marketing - Store Chain",
    "version": "18.0.1.0.0",
    "summary": "Campaign audience by store and region, quiet hours in the store's time zone, "
    "campaign and marketing figures by store and region",
    "author": "Chain Retail Team",
    "license": "LGPL-3",
    "category": "Marketing",
    "depends": ["member_marketing", "store_chain"],
    "data": [
        "security/ir.model.access.csv",
        "security/member_marketing_store_chain_security.xml",
        "views/member_campaign_views.xml",
        "views/member_campaign_send_views.xml",
        "views/member_marketing_store_kpi_views.xml",
        "views/member_marketing_store_chain_menus.xml",
    ],
    "auto_install": True,
}
