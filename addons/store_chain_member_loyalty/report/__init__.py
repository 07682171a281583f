from . import chain_member_report
