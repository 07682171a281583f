from . import sms_opt_out
