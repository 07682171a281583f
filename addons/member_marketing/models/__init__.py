from . import (
    member_campaign,
    member_campaign_send,
    member_notice,
    member_notice_log,
    member_profile,
    member_segment,
    member_segment_engine,
    member_segment_history,
    member_segment_snapshot,
    res_config_settings,
    res_partner,
    sms_sms,
)
