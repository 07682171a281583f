from markupsafe import escape

from odoo import http
from odoo.http import request


class SmsOptOutController(http.Controller):
    # auth="public": the member opens this link from an SMS on their phone, without an Odoo
    # login; the random per-send token is the only thing that identifies them.
    @http.route(
        "/member_marketing/optout/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
    )
    def sms_opt_out(self, token, **kwargs):
        env = request.env
        if not token.isalnum() or len(token) > 64:
            return request.make_response(
                escape(env._("This opt-out link is not valid.")), status=400
            )
        # sudo: the public user cannot read sends; the search is pinned to this exact token
        send = env["member.campaign.send"].sudo().search([("access_token", "=", token)], limit=1)
        if not send:
            return request.make_response(
                escape(env._("This opt-out link is not valid.")), status=404
            )
        send.partner_id._member_marketing_sms_opt_out()
        lang = send.partner_id.lang or "en_US"
        message = send.with_context(lang=lang).env._(
            "You will receive no more marketing SMS from us."
        )
        return request.make_response(escape(message))
