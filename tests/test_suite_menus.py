"""After logging in, an administrator sees the menus of all four addons in the web client."""

from odoo.tests import HttpCase, tagged

from .common import ADDONS


@tagged("post_install", "-at_install")
class TestMenus(HttpCase):
    def test_admin_sees_every_addon_menu(self):
        self.authenticate("admin", "admin")
        # what the web client asks for right after login
        response = self.url_open("/web/webclient/load_menus/1")
        self.assertEqual(response.status_code, 200)
        menus = response.json()
        visible = {menu["xmlid"] for menu in menus.values() if menu.get("xmlid")}
        for addon in ADDONS:
            with self.subTest(addon=addon):
                ours = {xmlid for xmlid in visible if xmlid.startswith(f"{addon}.")}
                self.assertTrue(ours, f"no menu of {addon} is visible to the administrator")
                for xmlid in ours:
                    menu = menus[str(self.env.ref(xmlid).id)]
                    self.assertTrue(
                        menu.get("actionID") or menu.get("children"), f"menu {xmlid} leads nowhere"
                    )
