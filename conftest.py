"""Project-wide pytest hooks (pytest-odoo runs the Odoo test cases).

A skipped test is counted as a failure: a browser tour that skips because Chromium is missing,
or an HttpCase skipped for want of --odoo-http, has proven nothing.
"""

import logging

import pytest


class _QuietTestImport(logging.Filter):
    """pytest-odoo imports odoo.tests before it sets test mode (it must: with test mode on while
    the registry loads, Odoo would run every installed module's at_install tests); Odoo logs
    that import as an error although here it is exactly what is meant to happen."""

    def filter(self, record):
        return not record.getMessage().startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_QuietTestImport())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped tests count as failures here: {reason}"


@pytest.fixture(scope="session", autouse=True)
def _odoo_statics():
    """Read every module's manifest once, here, before any browser tour: otherwise the first
    requests of a tour do it in several server threads at once, and Python 3.11.7 can then fail
    parsing a manifest (SystemError "AST constructor recursion depth mismatch", a CPython race
    in compile() under threads) and the tour never becomes ready."""
    import odoo.http  # imported here: pytest-odoo has configured Odoo by now

    odoo.http.root.statics  # noqa: B018 - a cached property: computing it is the point
