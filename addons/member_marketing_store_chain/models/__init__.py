from . import member_campaign, member_campaign_send, member_marketing_store_kpi, member_notice
