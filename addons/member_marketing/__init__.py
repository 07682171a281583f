from . import controllers, models


def uninstall_hook(env):
    """Drop the segment engine's own tables (not ORM models)."""
    env["member.segment.engine"]._drop_state()
