"""Every user-facing string of every addon exists in English and Simplified Chinese.

The committed `.pot` must match what Odoo exports from the installed code (so a changed string
cannot slip through without regenerating it), and `zh_CN.po` must translate every entry of it.
"""

import io
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export

from .common import ADDONS, BRIDGES, addon_path


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def _exported_msgids(self, addon):
        buffer = io.BytesIO()
        trans_export(None, [addon], buffer, "po", self.env.cr)
        return {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}

    def test_pot_matches_the_code(self):
        for addon in ADDONS + BRIDGES:
            with self.subTest(addon=addon):
                pot = addon_path(addon) / "i18n" / f"{addon}.pot"
                self.assertTrue(pot.is_file(), f"{addon} has no i18n/{addon}.pot")
                committed = {entry.msgid for entry in polib.pofile(str(pot))}
                exported = self._exported_msgids(addon)
                self.assertFalse(
                    exported - committed,
                    f"{addon}: strings missing from the .pot, regenerate it with --i18n-export",
                )
                self.assertFalse(
                    committed - exported,
                    f"{addon}: the .pot has strings the code no longer uses, regenerate it",
                )

    def test_zh_cn_translates_everything(self):
        for addon in ADDONS + BRIDGES:
            with self.subTest(addon=addon):
                folder = addon_path(addon) / "i18n"
                pot = polib.pofile(str(folder / f"{addon}.pot"))
                po_path = folder / "zh_CN.po"
                self.assertTrue(po_path.is_file(), f"{addon} has no i18n/zh_CN.po")
                translated = {
                    entry.msgid: entry.msgstr
                    for entry in polib.pofile(str(po_path))
                    if entry.msgstr.strip() and not entry.obsolete and "fuzzy" not in entry.flags
                }
                missing = sorted(entry.msgid for entry in pot if entry.msgid not in translated)
                self.assertFalse(missing, f"{addon}: no zh_CN translation for {missing[:10]}")

    def test_menus_show_in_chinese(self):
        """With zh_CN loaded, a Chinese-speaking user sees every menu of ours in Chinese."""
        self.env["res.lang"]._activate_lang("zh_CN")
        modules = self.env["ir.module.module"].search([("name", "in", ADDONS)])
        modules._update_translations(["zh_CN"])
        for addon in ADDONS:
            with self.subTest(addon=addon):
                menu_ids = (
                    self.env["ir.model.data"]
                    .search([("module", "=", addon), ("model", "=", "ir.ui.menu")])
                    .mapped("res_id")
                )
                menus = self.env["ir.ui.menu"].browse(menu_ids)
                self.assertTrue(menus, f"{addon} defines no menu")
                for menu in menus:
                    english = menu.with_context(lang="en_US").name
                    chinese = menu.with_context(lang="zh_CN").name
                    self.assertNotEqual(english, chinese, f"{addon}: menu {english!r} untranslated")


def test_every_addon_has_its_files():
    for addon in ADDONS + BRIDGES:
        folder = addon_path(addon)
        for name in ("README.md", "__manifest__.py", f"i18n/{addon}.pot", "i18n/zh_CN.po"):
            assert (folder / name).is_file(), f"{addon} lacks {name}"
        assert not (Path(folder) / "i18n" / "en.po").exists(), f"{addon} commits an en.po"
