from . import (
    test_campaign,
    test_churn,
    test_demo,
    test_incremental,
    test_kpi,
    test_lifecycle,
    test_notice,
    test_rfm,
    test_security,
    test_send_concurrency,
    test_sms_gateway,
    test_uplift,
)
