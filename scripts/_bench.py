"""Benchmark sections run by scripts/bench. Each prints its figures; none asserts anything.

_bench.py ODOO_CONF [SECTION...]     _bench.py --list

Sections live in scripts/_bench_<name>.py and register themselves with @section.
"""

import importlib
import sys
import time
from pathlib import Path

import _bench_lib
from _bench_lib import SECTIONS
from _conf import read_options

FIRST = ["_bench_pg"]  # the baselines the other sections compare with


def load_sections():
    here = Path(__file__).resolve().parent
    found = sorted(p.stem for p in here.glob("_bench_*.py") if p.stem != "_bench_lib")
    for module in FIRST + [m for m in found if m not in FIRST]:
        importlib.import_module(module)


def main(argv):
    load_sections()
    if argv[:1] == ["--list"]:
        for name, (_func, doc) in SECTIONS.items():
            print(f"{name:12} {doc}")
        return 0
    _bench_lib.CONF_PATH = argv[0]
    options = read_options(argv[0])
    wanted = argv[1:] or list(SECTIONS)
    unknown = [name for name in wanted if name not in SECTIONS]
    if unknown:
        names = ", ".join(unknown)
        print(f"error: unknown section {names} (see scripts/bench --list)", file=sys.stderr)
        return 2
    for name in wanted:
        func, doc = SECTIONS[name]
        print(f"[{name}] {doc}")
        started = time.perf_counter()
        func(options)
        print(f"  ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
