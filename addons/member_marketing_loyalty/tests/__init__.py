from . import test_bonus_points, test_kpi, test_notices, test_triggers
