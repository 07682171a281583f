"""Standalone hardware proxy speaking the IoT-box protocol of stock Odoo 18 POS.

Imports nothing from Odoo: only the standard library, werkzeug, pyserial, python-escpos and
Pillow. Run it with ``scripts/hw-proxy`` (``python -m hw_proxy``).
"""

__version__ = "18.0.1.0.0"
