from . import (
    test_analysis_scope,
    test_analytic,
    test_concurrency,
    test_hierarchy,
    test_isolation,
    test_replenishment,
    test_replenishment_security,
    test_reporting,
    test_rpc,
    test_store_write,
    test_web,
)
