"""The README's commands answer bad input with one clear line and a non-zero exit."""

import socket
import subprocess

from .common import ROOT


def run(*args):
    return subprocess.run(
        [str(ROOT / "scripts" / args[0]), *args[1:]],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_run_refuses_a_taken_port_and_names_the_option():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("run", "--port", str(port))
    assert result.returncode == 1
    assert f"port {port} is already in use" in result.stderr
    assert "scripts/run --port N" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_refuses_a_port_that_is_not_a_number():
    result = run("run", "--port", "eighty")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: --port needs a port number"


def test_test_refuses_an_unknown_addon():
    result = run("test", "loyalty_pro")
    assert result.returncode == 1
    assert "unknown addon loyalty_pro" in result.stderr
    assert "member_loyalty" in result.stderr  # it names the valid choices
