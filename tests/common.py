"""Shared by the cross-addon tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("member_loyalty", "store_chain", "pos_hardware", "member_marketing")
# the auto_install modules joining two of the four (every other folder of addons/)
BRIDGES = tuple(
    sorted(
        path.parent.name
        for path in (ROOT / "addons").glob("*/__manifest__.py")
        if path.parent.name not in ADDONS
    )
)


def addon_path(addon):
    return ROOT / "addons" / addon
