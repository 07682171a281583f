"""Benchmark section: pos_hardware proxy."""

import os
import subprocess
import sys
from pathlib import Path

from _bench_lib import section


@section("hardware", "hardware proxy: receipt to ESC/POS, status_json round trip, scan latency")
def bench_hardware(options):
    """The proxy runs without Odoo: its own bench module starts a real proxy process."""
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=str(root / "addons" / "pos_hardware"))
    subprocess.run([sys.executable, "-m", "hw_proxy.bench"], env=env, check=True)
