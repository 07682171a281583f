# Fed to `odoo shell` by scripts/run after the first install of chain_demo: each installed addon
# that ships a demo history generator gets to run it once. A generator is a model method
# `_demo_generate()` on the model listed here; it must be idempotent.
GENERATORS = [
    ("member_loyalty", "member.loyalty.demo"),
    ("store_chain", "store.chain.demo"),
    ("member_marketing", "member.marketing.demo"),
]
installed = set(
    env["ir.module.module"].search([("state", "=", "installed")]).mapped("name")  # noqa: F821
)
for module, model in GENERATORS:
    if module in installed and model in env:  # noqa: F821
        print(f"demo: {model}._demo_generate()")
        env[model]._demo_generate()  # noqa: F821
        env.cr.commit()  # noqa: F821
