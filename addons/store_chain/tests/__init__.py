from . import (
    test_analytic,
    test_concurrency,
    test_hierarchy,
    test_isolation,
    test_replenishment,
    test_reporting,
    test_rpc,
    test_web,
)
