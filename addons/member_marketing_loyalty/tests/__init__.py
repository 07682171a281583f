from . import test_bonus_points, test_notices, test_triggers
