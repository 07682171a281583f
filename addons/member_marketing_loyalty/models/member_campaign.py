from odoo import api, fields, models
from odoo.tools import SQL


class MemberCampaign(models.Model):
    _inherit = "member.campaign"

    trigger_type = fields.Selection(
        selection_add=[
            ("tier_upgraded", "Tier Upgraded"),
            ("points_expiring", "Points Expiring"),
            ("balance_below", "Stored Value Below"),
        ],
        ondelete={
            "tier_upgraded": "set default",
            "points_expiring": "set default",
            "balance_below": "set default",
        },
    )
    trigger_tier_ids = fields.Many2many(
        "member.tier",
        "member_campaign_trigger_tier_rel",
        string="Upgraded To",
        help="Tier upgraded: only upgrades to one of these tiers (empty: any upgrade).",
    )
    trigger_balance = fields.Monetary(
        string="Balance Below",
        currency_field="company_currency_id",
        help="Stored value below: members whose stored value (paid + bonus) fell below this "
        "amount since their last top-up; reminded once per top-up.",
    )
    trigger_min_points = fields.Integer(
        string="Minimum Expiring Points",
        default=1,
        help="Points expiring: only members with at least this many points expiring on one date.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    audience_tier_ids = fields.Many2many(
        "member.tier",
        "member_campaign_audience_tier_rel",
        string="Audience Tiers",
        help="Only members currently in one of these tiers.",
    )
    bonus_points = fields.Integer(
        help="Points credited to each recipient (treatment group) when the message is sent, "
        "once per member and occurrence. Only members receive them: the audience is limited "
        "to members.",
    )

    _sql_constraints = [
        ("bonus_points_positive", "CHECK(bonus_points >= 0)", "Bonus points cannot be negative."),
    ]

    @api.model
    def _get_reward_fields(self):
        return [*super()._get_reward_fields(), "bonus_points"]

    def _get_trigger_query(self, today, now):
        if self.trigger_type == "tier_upgraded":
            tier_filter = SQL("TRUE")
            if self.trigger_tier_ids:
                tier_filter = SQL("h.new_tier_id IN %s", tuple(self.trigger_tier_ids.ids))
            # one occurrence per upgrade (history row), since the campaign started
            return SQL(
                """
                SELECT h.partner_id, 'tier-upgrade-' || h.id AS occurrence
                  FROM member_tier_history h
                 WHERE h.reason = 'upgrade' AND h.date >= %(start)s AND h.date <= %(now)s
                   AND %(tier_filter)s
                """,
                start=self.date_start or now,
                now=now,
                tier_filter=tier_filter,
            )
        if self.trigger_type == "points_expiring":
            # one occurrence per member and expiry date: reminded once per expiring batch
            return SQL(
                """
                SELECT l.partner_id, 'points-expiring-' || l.expiry_date AS occurrence
                  FROM member_points_lot l
                 WHERE l.points_remaining > 0
                   AND l.expiry_date BETWEEN %(today)s AND %(today)s::date + %(days)s
                 GROUP BY l.partner_id, l.expiry_date
                HAVING SUM(l.points_remaining) >= %(min_points)s
                """,
                today=today,
                days=max(self.trigger_days, 0),
                min_points=max(self.trigger_min_points, 1),
            )
        if self.trigger_type == "balance_below":
            # members who topped up at least once and whose balance fell below the threshold:
            # one occurrence per last top-up, so the next top-up re-arms the reminder
            return SQL(
                """
                SELECT b.partner_id, 'balance-below-' || t.last_topup AS occurrence
                  FROM member_balance b
                  JOIN (SELECT w.partner_id, MAX(w.id) AS last_topup
                          FROM member_wallet_move w
                         WHERE w.kind = 'topup'
                         GROUP BY w.partner_id) t ON t.partner_id = b.partner_id
                 WHERE b.principal + b.bonus < %(threshold)s
                """,
                threshold=self.trigger_balance,
            )
        return super()._get_trigger_query(today, now)

    def _get_audience_condition(self):
        condition = super()._get_audience_condition()
        conds = [condition]
        if self.audience_tier_ids:
            conds.append(SQL("partner.member_tier_id IN %s", tuple(self.audience_tier_ids.ids)))
        if self.bonus_points:
            conds.append(SQL("partner.member_number IS NOT NULL"))
        return SQL(" AND ").join(conds)
