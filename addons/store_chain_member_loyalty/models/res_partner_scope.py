from odoo import api, models
from odoo.exceptions import AccessError

# personal data of a member: only HQ, the home store's region(s) and the home store read it;
# other stores see name, member number, tier and balances (the till lookup needs nothing more)
PERSONAL_FIELDS = frozenset(
    {
        "phone",
        "mobile",
        "email",
        "email_normalized",
        "email_formatted",
        "phone_sanitized",
        "phone_mobile_search",
        "member_phone",
        "birthday",
        "gender",
        "street",
        "street2",
        "zip",
        "city",
        "state_id",
        "country_id",
        "contact_address",
        "contact_address_complete",
        "comment",
        "consent_sms",
        "consent_email",
        "consent_sms_date",
        "consent_email_date",
    }
)


class ResPartner(models.Model):
    """Personal data of members outside the user's store scope: hidden on read, refused on
    write and export. Ledger history is scoped by record rules (see security)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _chain_personal_scope(self):
        """Stores whose members' personal data the user reads, or None for no restriction.

        Like the store record rules, only users of the Chain groups below HQ are restricted.
        """
        user = self.env.user
        if (
            self.env.su
            or not user.has_group("store_chain.group_chain_store_user")
            or user.has_group("store_chain.group_chain_hq")
        ):
            return None
        return user.chain_scope_store_ids

    def _chain_private_ids(self):
        """Ids of the members among ``self`` whose personal data the user may not see."""
        scope = self._chain_personal_scope()
        if scope is None:
            return set()
        # sudo: member number and home store are what decides, whatever the user may read
        return {
            partner.id
            for partner in self.sudo()
            if partner.member_number and partner.member_home_store_id not in scope
        }

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        hidden = PERSONAL_FIELDS.intersection(fnames)
        if hidden and result:
            private = self.browse([vals["id"] for vals in result])._chain_private_ids()
            for vals in result:
                if vals["id"] in private:
                    vals.update(dict.fromkeys(hidden.intersection(vals), False))
        return result

    def _member_dict(self):
        """The external API's member (``member_find``...) follows the same scope as read."""
        values = super()._member_dict()
        if self._chain_private_ids():
            values["phone"] = False
        return values

    def write(self, vals):
        if PERSONAL_FIELDS.intersection(vals) and self._chain_private_ids():
            raise AccessError(
                self.env._(
                    "This member's personal data belongs to their home store: ask the home "
                    "store, its region manager or HQ to change it."
                )
            )
        return super().write(vals)

    def export_data(self, fields_to_export):
        exported = {path.split("/")[0] for path in fields_to_export}
        if PERSONAL_FIELDS.intersection(exported) and self._chain_private_ids():
            raise AccessError(
                self.env._(
                    "You cannot export the personal data of members of other stores. Remove "
                    "phone, email, birthday and address columns or select only your members."
                )
            )
        return super().export_data(fields_to_export)
