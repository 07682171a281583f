from . import test_store_audience, test_store_kpi, test_store_quiet_hours
