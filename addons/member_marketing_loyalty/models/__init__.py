from . import (
    member_campaign,
    member_campaign_send,
    member_loyalty_demo,
    member_marketing_demo,
    member_marketing_kpi,
    member_notice,
    member_points_move,
    member_tier_history,
    res_partner,
)
