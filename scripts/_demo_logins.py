"""Print the demo logins of a database: _demo_logins.py ODOO_CONF DATABASE.

Demo users created by our addons have their login as password (documented in the README).
"""

import sys

from _conf import connect, read_options

OURS = ("member_loyalty", "store_chain", "pos_hardware", "member_marketing")


def main(conf_path, database):
    cnx = connect(read_options(conf_path), database)
    with cnx, cnx.cursor() as cr:
        cr.execute(
            """SELECT u.login, p.name FROM ir_model_data d
                 JOIN res_users u ON u.id = d.res_id
                 JOIN res_partner p ON p.id = u.partner_id
                WHERE d.model = 'res.users' AND d.module = ANY(%s) AND u.active
                ORDER BY u.login""",
            [list(OURS)],
        )
        users = cr.fetchall()
    print("    login admin, password admin (administrator)")
    for login, name in users:
        print(f"    login {login}, password {login} ({name})")


if __name__ == "__main__":
    main(*sys.argv[1:])
