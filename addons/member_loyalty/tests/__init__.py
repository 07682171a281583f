from . import (
    test_accounting,
    test_concurrency,
    test_concurrency_pos,
    test_demo,
    test_members,
    test_points,
    test_pos,
    test_rpc,
    test_security,
    test_tiers,
    test_wallet,
)
