from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestWebClient(HttpCase):
    def test_store_dashboard_opens(self):
        """The Chain app opens on the store dashboard, a kanban card per store with its figures."""
        self.env["chain.store"].create({"name": "Web store", "code": "T-WEB", "state": "open"})
        self.browser_js(
            "/odoo/action-store_chain.action_chain_store",
            "console.log('test successful')",
            "[...document.querySelectorAll('.o_kanban_record')].some((card) =>"
            " card.textContent.includes('[T-WEB] Web store')"
            " && card.textContent.includes('Tickets'))",
            login="admin",
            timeout=120,
        )
