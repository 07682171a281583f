from . import models


def uninstall_hook(env):
    """The monthly figures count any identified customer again: their views are created anew
    without the card holder rule (it reads member_loyalty's member number, whose column may
    go next, and would take the views with it)."""
    for name in env.registry.descendants(["member.marketing.kpi"], "_inherit"):
        env[name].with_context(member_marketing_kpi_any_customer=True).init()
