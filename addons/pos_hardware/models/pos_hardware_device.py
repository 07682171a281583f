from odoo import fields, models

DEVICE_TYPES = [
    ("printer", "Receipt Printer"),
    ("scanner", "Barcode Scanner"),
    ("scale", "Scale"),
    ("display", "Customer Display"),
]
DEVICE_STATUSES = [
    ("connected", "Connected"),
    ("connecting", "Connecting"),
    ("disconnected", "Disconnected"),
]


class PosHardwareDevice(models.Model):
    _name = "pos.hardware.device"
    _description = "POS Hardware Device"
    _order = "proxy_id, device_type, name"

    proxy_id = fields.Many2one("pos.hardware.proxy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="proxy_id.company_id", store=True)
    name = fields.Char(required=True, help="Device URI as configured on the proxy.")
    device_type = fields.Selection(DEVICE_TYPES, required=True)
    status = fields.Selection(DEVICE_STATUSES, default="disconnected", required=True)
    message = fields.Char(help="What the proxy last reported, e.g. paper out or cover open.")
    width = fields.Integer(string="Dot Width", help="Printer dot width: 384 (58 mm) or 512/576.")
    last_seen = fields.Datetime(help="Last time the proxy reported this device connected.")

    _sql_constraints = [
        (
            "device_unique",
            "unique(proxy_id, device_type, name)",
            "A proxy reports each device only once.",
        ),
    ]
