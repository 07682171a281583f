{
    "name": "Member Marketing - Loyalty",
    "version": "18.0.1.0.0",
    "summary": "Campaign triggers, bonus points and transactional notices from tiers, "
    "points and stored value",
    "author": "Chain Retail Team",
    "license": "LGPL-3",
    "category": "Marketing",
    "depends": ["member_marketing", "member_loyalty"],
    "data": [
        "data/ir_cron_data.xml",
        "data/sms_template_data.xml",
        "views/member_campaign_views.xml",
    ],
    "auto_install": True,
    "uninstall_hook": "uninstall_hook",
}
