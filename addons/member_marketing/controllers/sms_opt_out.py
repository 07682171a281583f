from markupsafe import Markup

from odoo import http
from odoo.http import request

PAGE = Markup(
    """<!DOCTYPE html>
<html lang="%(lang)s">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="robots" content="noindex"/>
<title>%(title)s</title>
<style>
body{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em;line-height:1.5}
button{font-size:1.1em;padding:.6em 1.2em}
</style>
</head>
<body>
<p>%(message)s</p>%(form)s
</body>
</html>
"""
)
FORM = Markup(
    """
<form method="post" action="%(action)s">
<button type="submit">%(button)s</button>
</form>"""
)


class SmsOptOutController(http.Controller):
    # auth="public": the member opens this link from an SMS on their phone, without an Odoo
    # login; the random per-send token is the only thing that identifies them.
    # GET only shows a confirmation page (link previews and SMS clients fetch URLs on their
    # own); the POST of its button opts out.
    # csrf=False: CSRF protects requests that a browser authenticates with its session cookie;
    # this one uses no session, the secret is the token in the URL: a forged POST needs the
    # token, with which it could be sent directly. A CSRF token would only make the button
    # fail when the page was opened long ago or in a browser that drops cookies.
    @http.route(
        "/member_marketing/optout/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
    )
    def sms_opt_out(self, token, **kwargs):
        env = request.env
        if not token.isalnum() or len(token) > 64:
            return self._page(env._("This opt-out link is not valid."), status=400)
        # sudo: the public user cannot read sends; the search is pinned to this exact token
        send = env["member.campaign.send"].sudo().search([("access_token", "=", token)], limit=1)
        if not send:
            return self._page(env._("This opt-out link is not valid."), status=404)
        lang = send.partner_id.lang or "en_US"
        env = send.with_context(lang=lang).env
        if request.httprequest.method != "POST":
            form = FORM % {
                "action": f"/member_marketing/optout/{token}",
                "button": env._("Unsubscribe"),
            }
            message = env._("Do you want to stop receiving marketing SMS from us?")
            return self._page(message, lang=lang, form=form)
        send.partner_id._member_marketing_sms_opt_out()
        return self._page(env._("You will receive no more marketing SMS from us."), lang=lang)

    def _page(self, message, lang=None, form="", status=200):
        """A minimal HTML page (no website module, no login), readable on a phone."""
        html = PAGE % {
            "lang": (lang or request.env.lang or "en_US").replace("_", "-"),
            "title": message,
            "message": message,
            "form": form,
        }
        return request.make_response(
            html,
            headers=[("Content-Type", "text/html; charset=utf-8")],
            status=status,
        )
