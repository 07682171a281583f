{
    "name": "POS Hardware Proxy",
    "version": "18.0.1.0.0",
    "summary": "ESC/POS printers, drawers, scanners and pole displays for stock POS via a proxy",
    "author": "Chain Retail Team",
    "license": "LGPL-3",
    "category": "Sales/Point of Sale",
    "depends": ["point_of_sale"],
    "data": [
        "security/ir.model.access.csv",
        "security/pos_hardware_security.xml",
        "data/ir_cron_data.xml",
        "views/pos_hardware_device_views.xml",
        "views/pos_hardware_proxy_views.xml",
        "views/pos_config_views.xml",
        "views/pos_hardware_menus.xml",
    ],
    "demo": ["demo/pos_hardware_demo.xml"],
    "assets": {
        "web.assets_tests": ["pos_hardware/static/tests/tours/**/*"],
    },
}
