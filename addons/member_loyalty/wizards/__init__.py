from . import member_adjust_wizard
