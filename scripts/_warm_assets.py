# Fed to `odoo shell` by scripts/test before pytest: build the asset bundles the browser tours
# load, once and committed, so that no tour spends Odoo's fixed 60 s "tour ready" wait building
# them on a loaded machine (tests roll back what they build, so each class would rebuild them).
BUNDLES = ("web.assets_web", "web.assets_tests", "point_of_sale.assets_prod")
for name in BUNDLES:
    bundle = env["ir.qweb"]._get_asset_bundle(name)  # noqa: F821
    bundle.js()
    bundle.css()
env.cr.commit()  # noqa: F821
print(f"==> asset bundles built: {', '.join(BUNDLES)}")
