"""The effective Odoo configuration (.cache/odoo.conf) and connections to its PostgreSQL,
for the helper scripts that do not need Odoo itself."""

import configparser

import psycopg2


def read_options(conf_path):
    conf = configparser.ConfigParser(interpolation=None)
    conf.read(conf_path)
    return conf["options"]


def connect(options, dbname="postgres"):
    return psycopg2.connect(
        host=options["db_host"],
        port=options["db_port"],
        user=options["db_user"],
        password=options["db_password"],
        dbname=dbname,
    )
