from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged

from .common import MemberMarketingCase


@tagged("post_install", "-at_install")
class TestRefreshSecurity(MemberMarketingCase):
    def test_refresh_not_callable_remotely(self):
        """The raw-SQL refresh is private: /web/dataset/call_kw refuses it for every user."""
        portal = new_test_user(self.env, login="mm_portal", groups="base.group_portal")
        engine = self.env["member.segment.engine"].with_user(portal)
        with self.assertRaises(AccessError):
            get_public_method(engine, "_refresh")
        self.assertFalse(hasattr(engine, "refresh"))

    def test_refresh_button_needs_marketing_administrator(self):
        buyer = self._member("buyer", [(3, 120.0)])
        segment = self._lifecycle("new_low")
        user = new_test_user(
            self.env, login="mm_user", groups="member_marketing.group_member_marketing_user"
        )
        with self.assertRaises(AccessError):
            segment.with_user(user).action_refresh()
        self.assertFalse(self._profile(buyer))
        manager = new_test_user(
            self.env, login="mm_manager", groups="member_marketing.group_member_marketing_manager"
        )
        segment.with_user(manager).action_refresh()
        self.assertEqual(self._profile(buyer).order_count, 1)
