from . import controllers, models


def uninstall_hook(env):
    """Drop the segment engine's own tables (not ORM models) and its triggers on pos_order."""
    env["member.segment.engine"]._drop_state()
    env["member.segment.engine"]._drop_change_log()
