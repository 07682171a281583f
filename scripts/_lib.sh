# shellcheck shell=bash
# Shared by the scripts in this folder: paths, messages, and the Odoo command line.
# Sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
CACHE="$ROOT/.cache"
CONF="$CACHE/odoo.conf"          # effective configuration written by scripts/setup
PY="$VENV/bin/python"
ADDONS=(member_loyalty store_chain pos_hardware member_marketing)
# Bridges: the other folders of addons/, small auto_install modules that join two of the four
# (e.g. store_chain_member_loyalty); installing the addons they join installs them.
BRIDGES=()
for _dir in "$ROOT"/addons/*/; do
    _name=$(basename "$_dir")
    [[ " ${ADDONS[*]} " == *" $_name "* ]] || BRIDGES+=("$_name")
done
unset _dir _name

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The Odoo source tree recorded by scripts/setup.
odoo_src() {
    [ -f "$CACHE/odoo-src" ] || die "run scripts/setup first (no Odoo source recorded)"
    cat "$CACHE/odoo-src"
}

# odoo ARGS...: run odoo-bin from the venv with the effective configuration.
odoo() {
    "$PY" "$(odoo_src)/odoo-bin" -c "$CONF" "$@"
}

# conf_get KEY: a value of the effective configuration.
conf_get() {
    "$PY" - "$CONF" "$1" <<'PYEOF'
import configparser, sys
c = configparser.ConfigParser(interpolation=None)
c.read(sys.argv[1])
print(c.get("options", sys.argv[2], fallback=""))
PYEOF
}

# psql_odoo ARGS...: psql as the configured Odoo role on the configured server.
psql_odoo() {
    PGPASSWORD=$(conf_get db_password) PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 \
        -h "$(conf_get db_host)" -p "$(conf_get db_port)" -U "$(conf_get db_user)" "$@"
}

db_exists() {
    [ "$(psql_odoo -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# port_free PORT: true when nothing listens on 127.0.0.1:PORT.
port_free() {
    python3 - "$1" <<'PYEOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("0.0.0.0", int(sys.argv[1])))
except OSError:
    sys.exit(1)
PYEOF
}

# prettier ARGS...: the pinned prettier with the XML plugin and the project's settings.
prettier() {
    "$CACHE/node/node_modules/.bin/prettier" --config "$ROOT/.prettierrc.yml" \
        --plugin "$CACHE/node/node_modules/@prettier/plugin-xml/src/plugin.js" "$@"
}
