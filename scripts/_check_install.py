"""Check what an addon install left in a database: used by scripts/test.

    _check_install.py ODOO_CONF TEMPLATE DATABASE ADDON[,ADDON...]

DATABASE is a copy of TEMPLATE (the base every addon needs) on which the addons were installed.
The named addons must be installed, none of our other addons may be (except those a named
bridge joins), and every module the install added must be one the addons declare (directly or
through their dependencies) or one Odoo installs automatically because all its dependencies are
there; and every bridge of ours whose addons are all installed must be installed too. Prints
one line; exits 1 on a problem.
"""

import ast
import sys
from pathlib import Path

from _conf import connect, read_options

ROOT = Path(__file__).resolve().parent.parent
OURS = {"member_loyalty", "store_chain", "pos_hardware", "member_marketing"}


def manifests(addons_path):
    found = {}
    for folder in addons_path.split(","):
        for manifest in Path(folder.strip()).glob("*/__manifest__.py"):
            found.setdefault(manifest.parent.name, ast.literal_eval(manifest.read_text()))
    return found


def expected_modules(wanted, known):
    """The dependency closure of `wanted`, then auto_install modules until nothing changes."""
    todo, closure = list(wanted), set()
    while todo:
        name = todo.pop()
        if name not in closure:
            closure.add(name)
            todo.extend(known[name].get("depends", []))
    closure.add("base")
    changed = True
    while changed:
        changed = False
        for name, manifest in known.items():
            auto = manifest.get("auto_install")
            if name in closure or not auto or not manifest.get("installable", True):
                continue
            trigger = auto if isinstance(auto, list) else manifest.get("depends", [])
            if set(trigger) <= closure and set(manifest.get("depends", [])) <= closure:
                closure.add(name)
                todo = list(manifest.get("depends", []))
                while todo:
                    dep = todo.pop()
                    if dep not in closure:
                        closure.add(dep)
                        todo.extend(known[dep].get("depends", []))
                changed = True
    return closure


def installed_modules(options, database):
    cnx = connect(options, database)
    with cnx, cnx.cursor() as cr:
        cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed'")
        return {row[0] for row in cr.fetchall()}


def main(conf_path, template, database, addons):
    options = read_options(conf_path)
    wanted = set(addons.split(","))
    known = manifests(options["addons_path"])
    base = installed_modules(options, template)
    expected = base | expected_modules(wanted | base, known)
    installed = installed_modules(options, database)
    problems = []
    if missing := wanted - installed:
        problems.append(f"not installed: {', '.join(sorted(missing))}")
    # a bridge (any other addon folder) brings the addons it joins; the four bring none of ours
    bridges = {name for name in wanted if name not in OURS}
    if others := (installed & OURS) - wanted - expected_modules(bridges, known):
        problems.append(f"pulled in our other addons: {', '.join(sorted(others))}")
    # our bridges must follow the addons they join (auto_install), or their features go missing
    ours = {path.parent.name for path in ROOT.glob("addons/*/__manifest__.py")}
    if absent := (expected & ours) - installed:
        problems.append(f"bridges not installed automatically: {', '.join(sorted(absent))}")
    if extra := installed - expected:
        problems.append(f"modules outside the declared dependencies: {', '.join(sorted(extra))}")
    if problems:
        print(f"error: {database} ({addons}): " + "; ".join(problems), file=sys.stderr)
        return 1
    added = len(installed - base)
    print(f"==> {database}: {addons} installed, {added} modules added to the base, all declared")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
