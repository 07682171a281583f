from odoo import fields, models
from odoo.exceptions import UserError


class PosConfig(models.Model):
    _inherit = "pos.config"

    hw_proxy_id = fields.Many2one(
        "pos.hardware.proxy",
        string="Hardware Proxy",
        check_company=True,
        help="The store's ESC/POS hardware proxy; 'Apply' fills in the IoT Box settings.",
    )

    def _get_hw_proxy_settings(self, proxy):
        """IoT Box settings of stock POS that make it use ``proxy``'s devices."""
        types = set(proxy.device_ids.mapped("device_type"))
        vals = {
            "is_posbox": True,
            "proxy_ip": proxy._get_pos_proxy_ip(),
            "iface_print_via_proxy": "printer" in types,
            # the drawer opens through the receipt printer's kick port
            "iface_cashdrawer": "printer" in types,
            "iface_scan_via_proxy": "scanner" in types,
            "iface_electronic_scale": "scale" in types,
        }
        if "display" in types:
            vals["customer_display_type"] = "proxy"
        return vals

    def action_apply_hw_proxy(self):
        for config in self:
            proxy = config.hw_proxy_id
            if not proxy:
                raise UserError(
                    self.env._("Choose a hardware proxy for %s first.", config.display_name)
                )
            if not proxy.device_ids:
                proxy.action_refresh_status()
            if not proxy.device_ids:
                raise UserError(
                    self.env._(
                        "Proxy %s reports no device. Check that it runs and has devices "
                        "configured, then refresh its status.",
                        proxy.display_name,
                    )
                )
            config.write(self._get_hw_proxy_settings(proxy))
        return True
