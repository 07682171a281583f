import logging
import math
from ast import literal_eval
from datetime import datetime, time, timedelta

import psycopg2
import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, mute_logger

_logger = logging.getLogger(__name__)

# two-sided 95% normal quantile
Z_95 = 1.959963984540054
# two-sided 95% quantiles of Student's t: (degrees of freedom, quantile) up to 30, with
# fractional points below 3 where the curve bends most (beyond 30: see _t_95)
T_95 = (
    (1, 12.706205), (1.25, 8.027951), (1.5, 6.016663), (1.75, 4.948848), (2, 4.302653),
    (2.5, 3.574655), (3, 3.182446), (4, 2.776445), (5, 2.570582), (6, 2.446912),
    (7, 2.364624), (8, 2.306004), (9, 2.262157), (10, 2.228139), (11, 2.200985),
    (12, 2.178813), (13, 2.160369), (14, 2.144787), (15, 2.131450), (16, 2.119905),
    (17, 2.109816), (18, 2.100922), (19, 2.093024), (20, 2.085963), (21, 2.079614),
    (22, 2.073873), (23, 2.068658), (24, 2.063899), (25, 2.059539), (26, 2.055529),
    (27, 2.051831), (28, 2.048407), (29, 2.045230), (30, 2.042272),
)  # fmt: skip
# the group allowed to give value away (coupons, bonus points) through a campaign
MANAGER_GROUP = "member_marketing.group_member_marketing_manager"


class MemberCampaign(models.Model):
    """An automated or one-off retention campaign.

    ``_cron_enqueue`` turns the trigger and audience into ``member.campaign.send`` rows in one
    ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` per campaign (unique per campaign, member and
    occurrence); ``member.campaign.send._cron_process_queue`` sends them. Bridges add triggers by
    extending ``trigger_type`` and ``_get_trigger_query``.
    """

    _name = "member.campaign"
    _description = "Member Campaign"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("stopped", "Stopped")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    date_start = fields.Datetime(
        string="Started On",
        copy=False,
        help="Segment entries and first purchases count from this moment.",
    )
    trigger_type = fields.Selection(
        [
            ("birthday", "Birthday"),
            ("segment_entered", "Entered a Segment"),
            ("churn_risk", "Churn Risk Crossed"),
            ("first_purchase", "After First Purchase"),
            ("broadcast", "One-off Broadcast"),
        ],
        string="Trigger",
        required=True,
        default="broadcast",
    )
    trigger_days = fields.Integer(
        string="Days",
        default=7,
        help="Birthday: days before the birthday. First purchase: days after it.",
    )
    trigger_segment_id = fields.Many2one("member.segment", string="Segment Entered")
    churn_ratio_threshold = fields.Float(string="Churn Risk Threshold", default=2.0)
    broadcast_date = fields.Datetime(
        string="Send On", help="Broadcast: queue at this moment (empty: at once)."
    )
    broadcast_queued_on = fields.Datetime(
        readonly=True,
        copy=False,
        help="Broadcast: when its audience was queued. A broadcast is queued once: members who "
        "join the audience later do not receive it (duplicate the campaign to reach them).",
    )
    audience_segment_ids = fields.Many2many(
        "member.segment",
        string="Audience Segments",
        help="Only members currently in one of these segments.",
    )
    audience_domain = fields.Char(string="Audience Filter", default="[]")
    channel = fields.Selection([("sms", "SMS"), ("email", "Email")], required=True, default="sms")
    sms_template_id = fields.Many2one(
        "sms.template", string="SMS Template", domain=[("model", "=", "res.partner")]
    )
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain=[("model", "=", "res.partner")]
    )
    coupon_program_id = fields.Many2one(
        "loyalty.program",
        domain=[("program_type", "=", "coupons")],
        help="Each recipient gets a coupon of this program; its code is added to the message.",
    )
    coupon_points = fields.Float(default=1.0, help="Points loaded on each coupon.")
    coupon_validity_days = fields.Integer(string="Coupon Valid For (days)", help="0: no expiry.")
    can_edit_rewards = fields.Boolean(
        compute="_compute_can_edit_rewards",
        help="The current user may set the rewards (coupons, points) of campaigns.",
    )
    control_percent = fields.Float(
        string="Control Group (%)",
        default=10.0,
        help="Share of the audience that receives nothing, for measuring.",
    )
    conversion_days = fields.Integer(string="Conversion Window (days)", default=14)
    respect_quiet_hours = fields.Boolean(default=True)
    send_ids = fields.One2many("member.campaign.send", "campaign_id", string="Sends")
    # results (computed in one query for all campaigns)
    queued_count = fields.Integer(compute="_compute_results", string="Queued")
    sent_count = fields.Integer(compute="_compute_results", string="Recipients")
    delivered_count = fields.Integer(compute="_compute_results", string="Delivered")
    failed_count = fields.Integer(compute="_compute_results", string="Failed")
    skipped_count = fields.Integer(compute="_compute_results", string="Skipped")
    control_count = fields.Integer(compute="_compute_results", string="Control")
    treatment_converted = fields.Integer(compute="_compute_results", string="Converted (Treatment)")
    control_converted = fields.Integer(compute="_compute_results", string="Converted (Control)")
    treatment_rate = fields.Float(
        compute="_compute_results", string="Conversion Rate (Treatment) %"
    )
    control_rate = fields.Float(compute="_compute_results", string="Conversion Rate (Control) %")
    uplift_abs = fields.Float(compute="_compute_results", string="Uplift (points)")
    uplift_rel = fields.Float(compute="_compute_results", string="Relative Uplift %")
    uplift_ci_low = fields.Float(compute="_compute_results", string="Uplift 95% CI Low")
    uplift_ci_high = fields.Float(compute="_compute_results", string="Uplift 95% CI High")
    uplift_rel_ci_low = fields.Float(
        compute="_compute_results", string="Relative Uplift 95% CI Low %"
    )
    uplift_rel_ci_high = fields.Float(
        compute="_compute_results", string="Relative Uplift 95% CI High %"
    )
    treatment_revenue = fields.Float(
        compute="_compute_results", string="Revenue per Member (Treatment)"
    )
    control_revenue = fields.Float(
        compute="_compute_results", string="Revenue per Member (Control)"
    )
    revenue_uplift = fields.Float(compute="_compute_results", string="Revenue Uplift per Member")
    revenue_ci_low = fields.Float(compute="_compute_results", string="Revenue Uplift 95% CI Low")
    revenue_ci_high = fields.Float(compute="_compute_results", string="Revenue Uplift 95% CI High")

    _sql_constraints = [
        (
            "control_percent_range",
            "CHECK(control_percent >= 0 AND control_percent <= 100)",
            "The control group is between 0 and 100%.",
        ),
    ]

    @api.depends_context("uid")
    def _compute_can_edit_rewards(self):
        self.can_edit_rewards = self._can_set_rewards()

    @api.model
    def _get_reward_fields(self):
        """Fields that give value away to the recipients: set by marketing administrators
        only (hook for bridges)."""
        return ["coupon_program_id", "coupon_points", "coupon_validity_days"]

    @api.model
    def _get_user_fields_of_rewarded(self):
        """What a campaign user may still change on a campaign that gives rewards: its name,
        its messages, starting and stopping it; who receives the rewards (trigger, audience,
        channel, control group) is an administrator's (hook for bridges)."""
        return {
            "name",
            "active",
            "state",
            "date_start",
            "broadcast_queued_on",
            "sms_template_id",
            "mail_template_id",
            "respect_quiet_hours",
            "conversion_days",
        }

    @api.model_create_multi
    def create(self, vals_list):
        if not self._can_set_rewards():
            # the values to be created, not only the ones given: defaults from the context and
            # the user's own (ir.default) fill the fields left out
            defaults = self.default_get(self._get_reward_fields())
            for vals in vals_list:
                self._check_rewards_unchanged({**defaults, **vals}, self._get_no_rewards())
        return super().create(vals_list)

    def write(self, vals):
        if not self._can_set_rewards():
            for campaign in self:
                campaign._check_rewards_unchanged(vals, campaign._get_rewards())
                targeting = set(vals) - self._get_user_fields_of_rewarded()
                targeting -= set(self._get_reward_fields())  # unchanged: checked above
                if targeting and campaign._get_changed_rewards(
                    campaign._get_rewards(), self._get_no_rewards()
                ):
                    raise AccessError(
                        self.env._(
                            "Campaign %(campaign)s gives rewards: only Member Marketing"
                            " administrators can change who receives them (%(fields)s).",
                            campaign=campaign.display_name,
                            fields=", ".join(
                                self._fields[name]._description_string(self.env)
                                for name in sorted(targeting)
                            ),
                        )
                    )
        return super().write(vals)

    def copy(self, default=None):
        """A campaign user's copy of a campaign that gives rewards gives none (rather than
        being refused), and its chatter names what was left out."""
        if self._can_set_rewards():
            return super().copy(default)
        no_rewards = self._get_no_rewards()
        copies = super().copy({**no_rewards, **(default or {})})
        for original, duplicate in zip(self, copies, strict=True):
            dropped = original._get_changed_rewards(no_rewards, original._get_rewards())
            if dropped:
                duplicate.message_post(
                    body=self.env._(
                        "Copied from %(campaign)s without what it gives away (%(fields)s):"
                        " only Member Marketing administrators set it.",
                        campaign=original.display_name,
                        fields=", ".join(field._description_string(self.env) for field in dropped),
                    )
                )
        return copies

    def _can_set_rewards(self):
        return self.env.su or self.env.user.has_group(MANAGER_GROUP)

    def _get_rewards(self):
        self.ensure_one()
        return {name: self[name] for name in self._get_reward_fields()}

    @api.model
    def _get_no_rewards(self):
        """The reward fields of a campaign that gives nothing: their defaults in the code (not
        the context's nor the user's)."""
        return {
            name: self._fields[name].default(self) if self._fields[name].default else False
            for name in self._get_reward_fields()
        }

    def _get_changed_rewards(self, vals, current):
        """The reward fields whose value in ``vals`` differs from the ``current`` one."""
        return [
            field
            for field in map(self._fields.get, self._get_reward_fields())
            if field.name in vals
            and field.convert_to_cache(vals[field.name], self, validate=False)
            != field.convert_to_cache(current.get(field.name), self, validate=False)
        ]

    def _check_rewards_unchanged(self, vals, current):
        """Refuse ``vals`` if they change a reward field from its ``current`` value: a user
        creates and runs campaigns, an administrator decides what they give away."""
        changed = self._get_changed_rewards(vals, current)
        if changed:
            raise AccessError(
                self.env._(
                    "Only Member Marketing administrators can set what a campaign gives away "
                    "(%(fields)s). Ask an administrator to set it.",
                    fields=", ".join(field._description_string(self.env) for field in changed),
                )
            )

    @api.constrains("audience_domain")
    def _check_audience_domain(self):
        for campaign in self:
            domain = campaign._get_audience_domain()
            try:
                # sudo: the filter is applied by the cron, without record rules; pinned to one
                # row of a query that is run, not read, so that values of the wrong type
                # (caught by PostgreSQL only) are refused as well as unknown fields/operators
                query = self.env["res.partner"].sudo()._search(domain, limit=1, order="id")
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(query.select())
            except (ValueError, TypeError, psycopg2.Error) as error:
                raise ValidationError(
                    self.env._(
                        "The audience filter of campaign %(name)s is not a valid domain on "
                        "contacts: %(error)s",
                        name=campaign.name,
                        error=error,
                    )
                ) from error

    # ------------------------------------------------------------------ results
    @api.model
    def _wilson(self, successes, n):
        """Wilson score 95% interval of a proportion (sound at 0% and 100% and for small
        groups, unlike the normal approximation)."""
        p = successes / n
        z2 = Z_95 * Z_95
        center = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = Z_95 / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        return max(center - half, 0.0), min(center + half, 1.0)

    @api.model
    def _uplift(self, n_t, conv_t, n_c, conv_c):
        """Absolute uplift of conversion (points) with its 95% CI (points: Newcombe's hybrid
        score interval, from the Wilson intervals of both groups: a tiny control group or
        one without conversions gives a wide interval, not a falsely narrow one), and
        relative uplift (%) with its 95% CI (%, from the log of the risk ratio: both groups
        need a conversion, else 0). All 0 without both groups (the form hides them)."""
        if not n_t or not n_c:
            return 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
        p_t, p_c = conv_t / n_t, conv_c / n_c
        diff = p_t - p_c
        low_t, high_t = self._wilson(conv_t, n_t)
        low_c, high_c = self._wilson(conv_c, n_c)
        low = diff - math.sqrt((p_t - low_t) ** 2 + (high_c - p_c) ** 2)
        high = diff + math.sqrt((high_t - p_t) ** 2 + (p_c - low_c) ** 2)
        rel = rel_low = rel_high = 0.0
        if conv_t and conv_c:
            log_ratio = math.log(p_t / p_c)
            se_log = math.sqrt((1 - p_t) / conv_t + (1 - p_c) / conv_c)
            rel = (p_t / p_c - 1) * 100
            rel_low = (math.exp(log_ratio - Z_95 * se_log) - 1) * 100
            rel_high = (math.exp(log_ratio + Z_95 * se_log) - 1) * 100
        return diff * 100, low * 100, high * 100, rel, rel_low, rel_high

    @api.model
    def _t_95(self, df):
        """Two-sided 95% quantile of Student's t with ``df`` (Welch: fractional) degrees of
        freedom: the table interpolated in 1/df up to 30, beyond it Cornish-Fisher's
        expansion around the normal quantile (within 1e-5)."""
        if df < 30:
            # the table's points around df, interpolated in 1/df (within 3 %, on the wide side)
            below, above = T_95[0], T_95[-1]
            for point in T_95:
                if point[0] <= df:
                    below = point
                else:
                    above = point
                    break
            if below[0] >= df or below == above:
                return below[1]
            weight = (1 / below[0] - 1 / df) / (1 / below[0] - 1 / above[0])
            return below[1] + weight * (above[1] - below[1])
        z = Z_95
        return (
            z
            + (z**3 + z) / (4 * df)
            + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
        )

    @api.model
    def _mean_diff(self, n_t, mean_t, var_t, n_c, mean_c, var_c):
        """Difference of means with its 95% CI (Welch: the groups' own variances, Student's
        t at the Welch-Satterthwaite degrees of freedom). The CI needs two members in each
        group (a sample variance): else it is the difference itself (the form hides it)."""
        diff = mean_t - mean_c
        if n_t < 2 or n_c < 2:
            return (diff, diff, diff) if n_t and n_c else (0.0, 0.0, 0.0)
        share_t, share_c = var_t / n_t, var_c / n_c
        se = math.sqrt(share_t + share_c)
        if not se:  # every member of both groups spent the same
            return diff, diff, diff
        df = se**4 / (share_t**2 / (n_t - 1) + share_c**2 / (n_c - 1))
        margin = self._t_95(df) * se
        return diff, diff - margin, diff + margin

    def _compute_results(self):
        stats = {}
        if self.ids:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                SELECT s.campaign_id, s.state,
                       COUNT(*),
                       COUNT(*) FILTER (WHERE s.converted),
                       COALESCE(AVG(s.revenue), 0),
                       COALESCE(VAR_SAMP(s.revenue), 0),
                       COUNT(*) FILTER (WHERE s.state = 'sent' AND (
                            (s.channel = 'sms' AND (sms.id IS NULL OR sms.state NOT IN
                                ('outgoing', 'process', 'error', 'canceled')))
                         OR (s.channel = 'email'
                             AND (mail.id IS NULL OR mail.state IN ('sent', 'received')))))
                  FROM member_campaign_send s
                  LEFT JOIN sms_sms sms ON sms.uuid = s.sms_uuid
                  LEFT JOIN mail_mail mail ON mail.id = s.mail_id
                 WHERE s.campaign_id IN %s
                 GROUP BY s.campaign_id, s.state
                """,
                    tuple(self.ids),
                )
            )
            for (
                campaign_id,
                state,
                count,
                converted,
                mean,
                var,
                delivered,
            ) in self.env.cr.fetchall():
                stats[campaign_id, state] = (count, converted, float(mean), float(var), delivered)
        empty = (0, 0, 0.0, 0.0, 0)
        for campaign in self:
            sent = stats.get((campaign.id, "sent"), empty)
            held = stats.get((campaign.id, "held"), empty)
            campaign.queued_count = stats.get((campaign.id, "queued"), empty)[0]
            campaign.failed_count = stats.get((campaign.id, "failed"), empty)[0]
            campaign.skipped_count = stats.get((campaign.id, "skipped"), empty)[0]
            campaign.sent_count = sent[0]
            campaign.delivered_count = sent[4]
            campaign.control_count = held[0]
            campaign.treatment_converted = sent[1]
            campaign.control_converted = held[1]
            campaign.treatment_rate = sent[1] / sent[0] * 100 if sent[0] else 0.0
            campaign.control_rate = held[1] / held[0] * 100 if held[0] else 0.0
            (
                campaign.uplift_abs,
                campaign.uplift_ci_low,
                campaign.uplift_ci_high,
                campaign.uplift_rel,
                campaign.uplift_rel_ci_low,
                campaign.uplift_rel_ci_high,
            ) = self._uplift(sent[0], sent[1], held[0], held[1])
            campaign.treatment_revenue = sent[2]
            campaign.control_revenue = held[2]
            campaign.revenue_uplift, campaign.revenue_ci_low, campaign.revenue_ci_high = (
                self._mean_diff(sent[0], sent[2], sent[3], held[0], held[2], held[3])
            )

    # ------------------------------------------------------------------ actions
    def action_start(self):
        for campaign in self:
            if campaign.channel == "sms" and not campaign.sms_template_id:
                raise UserError(self.env._("Choose an SMS template before starting the campaign."))
            if campaign.channel == "email" and not campaign.mail_template_id:
                raise UserError(
                    self.env._("Choose an email template before starting the campaign.")
                )
            if campaign.trigger_type == "segment_entered" and not campaign.trigger_segment_id:
                raise UserError(self.env._("Choose the segment whose members the campaign greets."))
        self.filtered(lambda c: not c.date_start).date_start = fields.Datetime.now()
        self.state = "running"
        return True

    def action_stop(self):
        self.state = "stopped"
        return True

    def action_reset_draft(self):
        self.state = "draft"
        return True

    def action_enqueue_now(self):
        count = self._enqueue()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("%(count)s sends queued.", count=count),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_view_sends(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sends"),
            "res_model": "member.campaign.send",
            "view_mode": "list,pivot,graph,form",
            "domain": [("campaign_id", "=", self.id)],
        }

    # ------------------------------------------------------------------ queueing
    def _get_start_date(self, now):
        """The chain's day the campaign started (segment entries and first purchases count
        from it)."""
        self.ensure_one()
        engine = self.env["member.segment.engine"]
        return engine._get_chain_date(self.date_start or now, self.company_id)

    def _get_trigger_query(self, today, now):
        """SQL returning (partner_id, occurrence) for this campaign's trigger (hook for bridges)."""
        self.ensure_one()
        if self.trigger_type == "birthday":
            return SQL(
                """
                SELECT p.id AS partner_id, 'birthday-' || to_char(d, 'YYYY') AS occurrence
                  FROM res_partner p
                  JOIN generate_series(%(today)s::date, %(today)s::date + %(days)s,
                                       interval '1 day') d
                    ON to_char(d, 'MMDD') = to_char(p.birthday, 'MMDD')
                       -- born on 29 February: greeted on the 28th in non-leap years
                       OR (to_char(p.birthday, 'MMDD') = '0229'
                           AND to_char(d, 'MMDD') = '0228'
                           AND to_char(d + interval '1 day', 'MMDD') = '0301')
                 WHERE p.birthday IS NOT NULL
                """,
                today=today,
                days=max(self.trigger_days, 0),
            )
        if self.trigger_type == "segment_entered":
            return SQL(
                """
                SELECT h.partner_id, 'segment-' || h.id AS occurrence
                  FROM member_segment_history h
                 WHERE h.segment_id = %(segment)s AND h.date >= %(start)s AND h.date <= %(today)s
                """,
                segment=self.trigger_segment_id.id,
                start=self._get_start_date(now),
                today=today,
            )
        if self.trigger_type == "churn_risk":
            return SQL(
                """
                SELECT p.partner_id, 'churn-' || p.last_order_date AS occurrence
                  FROM member_marketing_profile p
                 WHERE %(churn_ratio)s >= %(threshold)s
                """,
                churn_ratio=self.env["member.marketing.profile"]._field_to_sql("p", "churn_ratio"),
                threshold=self.churn_ratio_threshold,
            )
        if self.trigger_type == "first_purchase":
            return SQL(
                """
                SELECT p.partner_id, 'first-purchase' AS occurrence
                  FROM member_marketing_profile p
                 WHERE p.first_order_date + %(days)s BETWEEN %(start)s AND %(today)s
                """,
                days=max(self.trigger_days, 0),
                start=self._get_start_date(now),
                today=today,
            )
        if self.trigger_type == "broadcast":
            # queued once: later members of the audience do not receive a one-off message
            if self.broadcast_queued_on or (self.broadcast_date and self.broadcast_date > now):
                return None
            return SQL(
                "SELECT p.partner_id, 'broadcast' AS occurrence FROM member_marketing_profile p"
            )
        return None

    def _get_audience_condition(self):
        """SQL condition on ``t.partner_id`` for the audience filters (hook for bridges)."""
        self.ensure_one()
        conds = [SQL("partner.active")]
        if self.audience_segment_ids:
            conds.append(
                SQL(
                    """t.partner_id IN (SELECT a.partner_id FROM member_marketing_profile a
                        WHERE a.lifecycle_segment_id IN %(ids)s OR a.rfm_segment_id IN %(ids)s)""",
                    ids=tuple(self.audience_segment_ids.ids),
                )
            )
        domain = self._get_audience_domain()
        if domain:
            query = self.env["res.partner"]._search(domain)
            conds.append(SQL("t.partner_id IN %s", query.subselect()))
        return SQL(" AND ").join(conds)

    def _get_audience_domain(self):
        self.ensure_one()
        try:
            domain = literal_eval(self.audience_domain or "[]")
            if not isinstance(domain, list | tuple):
                raise TypeError("a domain is a list")
        except (ValueError, SyntaxError, TypeError, RecursionError) as error:
            raise ValidationError(
                self.env._(
                    "The audience filter of campaign %(name)s is not a valid domain.",
                    name=self.name,
                )
            ) from error
        return list(domain)

    def _enqueue(self, now=None):
        """Queue one send per (campaign, member, occurrence); returns the number of new rows."""
        now = now or fields.Datetime.now()
        today = self.env["member.segment.engine"]._get_chain_date(now)
        self.env.flush_all()
        total = 0
        for campaign in self.filtered(lambda c: c.state == "running"):
            trigger = campaign._get_trigger_query(today, now)
            if trigger is None:
                continue
            self.env.cr.execute(
                SQL(
                    """
                INSERT INTO member_campaign_send
                       (campaign_id, partner_id, occurrence, group_type, state, channel,
                        access_token, date_queued, converted, revenue,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(campaign)s, t.partner_id, t.occurrence,
                       CASE WHEN random() * 100 < %(control)s THEN 'control' ELSE 'treatment' END,
                       'queued', %(channel)s, replace(gen_random_uuid()::text, '-', ''),
                       %(now)s, FALSE, 0, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (%(trigger)s) t
                  JOIN res_partner partner ON partner.id = t.partner_id
                 WHERE %(audience)s
                ON CONFLICT (campaign_id, partner_id, occurrence) DO NOTHING
                """,
                    campaign=campaign.id,
                    control=campaign.control_percent,
                    channel=campaign.channel,
                    now=now,
                    uid=self.env.uid,
                    trigger=trigger,
                    audience=campaign._get_audience_condition(),
                )
            )
            total += self.env.cr.rowcount
            if campaign.trigger_type == "broadcast":
                campaign.broadcast_queued_on = now
        self.env["member.campaign.send"].invalidate_model()
        return total

    @api.model
    def _cron_enqueue(self):
        """Queue every running campaign, each in its own savepoint: a campaign that cannot be
        queued (e.g. its audience filter names a field that no longer exists) is logged and
        skipped, and the others are queued all the same."""
        for campaign in self.search([("state", "=", "running")]):
            try:
                with self.env.cr.savepoint():
                    campaign._enqueue()
            except Exception:  # one broken campaign must not stop the others
                _logger.exception(
                    "Campaign %s (%s): queueing failed, skipped", campaign.id, campaign.name
                )

    # ------------------------------------------------------------------ quiet hours
    @api.model
    def _get_quiet_hours(self):
        engine = self.env["member.segment.engine"]
        return engine._get_param("quiet_hour_start", 21.0), engine._get_param("quiet_hour_end", 9.0)

    def _get_timezone(self):
        self.ensure_one()
        return self.env["member.segment.engine"]._get_timezone(self.company_id)

    def _is_quiet(self, now):
        """True when ``now`` falls in the quiet hours of the campaign's company time zone."""
        self.ensure_one()
        if not self.respect_quiet_hours:
            return False
        return self._is_quiet_hour(now, self._get_timezone())

    @api.model
    def _is_quiet_hour(self, now, timezone):
        """True when ``now`` (naive UTC) falls in the quiet hours of ``timezone``."""
        start, end = self._get_quiet_hours()
        if start == end:
            return False
        local = pytz.utc.localize(now).astimezone(pytz.timezone(timezone))
        hour = local.hour + local.minute / 60.0
        if start < end:
            return start <= hour < end
        return hour >= start or hour < end

    @api.model
    def _get_quiet_hours_end(self, now, timezone):
        """The next end of the quiet hours in ``timezone`` after ``now`` (both naive UTC): when
        a message held back at ``now`` may leave."""
        _start, end = self._get_quiet_hours()
        tz = pytz.timezone(timezone)
        local = pytz.utc.localize(now).astimezone(tz)
        # the first whole minute out of them (_is_quiet_hour compares the exact hour)
        end_minutes = math.ceil(end * 60) % (24 * 60)
        day = local.date()
        if local.hour * 60 + local.minute >= end_minutes:
            day += timedelta(days=1)
        end_local = tz.localize(datetime.combine(day, time(*divmod(end_minutes, 60))))
        return end_local.astimezone(pytz.utc).replace(tzinfo=None)
