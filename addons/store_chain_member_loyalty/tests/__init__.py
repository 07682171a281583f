from . import (
    test_demo,
    test_home_store,
    test_personal_scope,
    test_pos_tour,
    test_reporting,
    test_rpc_scope,
    test_settlement,
)
