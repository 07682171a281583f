{
    "name": "POS Hardware for Store Chains",
    "version": "18.0.1.0.0",
    "summary": "Hardware proxies belong to stores: store staff see their own, HQ sees all",
    "author": "Chain Retail Team",
    "license": "LGPL-3",
    "category": "Sales/Point of Sale",
    "depends": ["pos_hardware", "store_chain"],
    "data": [
        "security/pos_hardware_store_chain_security.xml",
        "views/pos_hardware_proxy_views.xml",
        "views/chain_store_views.xml",
    ],
    "auto_install": True,
}
