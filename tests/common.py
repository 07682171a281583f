"""Shared by the cross-addon tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("member_loyalty", "store_chain", "pos_hardware", "member_marketing")


def addon_path(addon):
    return ROOT / "addons" / addon
