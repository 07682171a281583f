"""Create the demo database the way the database manager does: _create_db.py ODOO_CONF NAME.

The main company is placed in China, so Odoo sets CNY and the Chinese chart of accounts, and
demo data is loaded. Used by scripts/run.
"""

import sys

import odoo
from odoo.service import db
from odoo.tools import config


def main(conf_path, name):
    config.parse_config(["-c", conf_path])
    odoo.netsvc.init_logger()
    config["list_db"] = True  # the database manager API refuses to work without it
    db.exp_create_database(name, True, "en_US", "admin", "admin", "CN")


if __name__ == "__main__":
    main(*sys.argv[1:])
