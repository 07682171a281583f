from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# one settlement confirmation at a time per database (advisory lock key)
SETTLEMENT_LOCK_KEY = 734_211_801
KINDS = ("topup", "bonus", "spend", "refund", "cashout", "adjustment")


class ChainSettlement(models.Model):
    """Stored-value settlement of a period between HQ and the stores.

    A member tops up at one store and spends at another: the store that collected the money
    remits it to HQ, HQ pays the store that gave the goods. Figures come from the stored-value
    ledger (``member.wallet.move.chain_store_id``), one grouped query per period. Amounts are
    summed in integer minor units, so the sum over the lines reconciles exactly with the change
    of outstanding stored value between the start and the end of the period.
    """

    _name = "chain.settlement"
    _description = "Stored Value Settlement"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company",
        string="HQ Company",
        required=True,
        default=lambda self: self.env.company.root_id,
        help="Company holding the chain's stored-value liability.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    line_ids = fields.One2many("chain.settlement.line", "settlement_id", string="Stores")
    opening_liability = fields.Monetary(
        readonly=True, help="Outstanding stored value at the start of the period."
    )
    closing_liability = fields.Monetary(
        readonly=True, help="Outstanding stored value at the end of the period."
    )
    liability_change = fields.Monetary(
        compute="_compute_totals", store=True, help="Closing minus opening liability."
    )
    lines_liability_change = fields.Monetary(
        compute="_compute_totals", store=True, string="Sum of Store Lines"
    )
    total_remitted = fields.Monetary(compute="_compute_totals", store=True, string="Remitted to HQ")
    total_paid = fields.Monetary(compute="_compute_totals", store=True, string="Paid by HQ")
    reconciled = fields.Boolean(compute="_compute_totals", store=True)
    reconciliation_note = fields.Char(compute="_compute_totals", store=True)
    computed_date = fields.Datetime(readonly=True)
    confirmed_date = fields.Datetime(readonly=True)
    confirmed_uid = fields.Many2one("res.users", string="Confirmed by", readonly=True)
    move_ids = fields.Many2many(
        "account.move", compute="_compute_move_ids", string="Journal Entries"
    )
    move_count = fields.Integer(compute="_compute_move_ids")

    _sql_constraints = [
        ("dates_order", "CHECK(date_from <= date_to)", "The period must end after it starts."),
    ]

    @api.depends("date_from", "date_to")
    def _compute_name(self):
        for settlement in self:
            settlement.name = self.env._(
                "Stored value %(date_from)s - %(date_to)s",
                date_from=settlement.date_from or "",
                date_to=settlement.date_to or "",
            )

    @api.depends(
        "computed_date",
        "opening_liability",
        "closing_liability",
        "line_ids.liability_change",
        "line_ids.net_due",
    )
    def _compute_totals(self):
        for settlement in self:
            currency = settlement.currency_id
            scale = 10**currency.decimal_places
            cents = [round(line.liability_change * scale) for line in settlement.line_ids]
            change = round(settlement.closing_liability * scale) - round(
                settlement.opening_liability * scale
            )
            settlement.liability_change = change / scale
            settlement.lines_liability_change = sum(cents) / scale
            dues = settlement.line_ids.mapped("net_due")
            settlement.total_remitted = sum(due for due in dues if due > 0)
            settlement.total_paid = -sum(due for due in dues if due < 0)
            settlement.reconciled = bool(settlement.computed_date) and sum(cents) == change
            if not settlement.computed_date:
                note = self.env._("Not computed yet.")
            elif settlement.reconciled:
                note = self.env._(
                    "Reconciled: the store lines change the liability by %(lines)s, exactly the "
                    "change of outstanding stored value (%(opening)s to %(closing)s).",
                    lines=settlement.lines_liability_change,
                    opening=settlement.opening_liability,
                    closing=settlement.closing_liability,
                )
            else:
                note = self.env._(
                    "Not reconciled: the store lines change the liability by %(lines)s but the "
                    "outstanding stored value changed by %(change)s.",
                    lines=settlement.lines_liability_change,
                    change=settlement.liability_change,
                )
            settlement.reconciliation_note = note

    def _compute_move_ids(self):
        for settlement in self:
            settlement.move_ids = settlement.line_ids.move_ids
            settlement.move_count = len(settlement.move_ids)

    # ------------------------------------------------------------------ period and lock

    def _get_bounds(self):
        """Naive UTC datetimes [start, end) of the period: whole days in the company's time
        zone (its address's; UTC when it has none), as the stores count their days."""
        self.ensure_one()
        timezone = self.company_id.partner_id.tz
        timezone = pytz.timezone(timezone if timezone in pytz.all_timezones_set else "UTC")

        def utc(day):
            local = timezone.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return utc(self.date_from), utc(self.date_to + timedelta(days=1))

    @api.constrains("date_from", "date_to", "company_id")
    def _check_overlap(self):
        for settlement in self:
            other = self.sudo().search(
                [
                    ("id", "!=", settlement.id),
                    ("state", "=", "confirmed"),
                    ("date_from", "<=", settlement.date_to),
                    ("date_to", ">=", settlement.date_from),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "The period overlaps the confirmed settlement %s, which is locked.",
                        other.name,
                    )
                )

    @api.model
    def _check_unlocked(self, dates):
        """Refuse stored-value movements dated inside a confirmed (locked) period."""
        dates = [date for date in dates if date]
        if not dates:
            return
        # periods are local days: a UTC date is at most one day away from the local one
        first, last = min(dates).date() - timedelta(days=1), max(dates).date() + timedelta(days=1)
        locked = self.sudo().search(
            [("state", "=", "confirmed"), ("date_from", "<=", last), ("date_to", ">=", first)]
        )
        for settlement in locked:
            start, end = settlement._get_bounds()
            if any(start <= date < end for date in dates):
                raise UserError(
                    self.env._(
                        "Stored value movements cannot be dated inside the settled period %s.",
                        settlement.name,
                    )
                )

    def write(self, vals):
        locked = any(settlement.state == "confirmed" for settlement in self)
        # chatter bookkeeping (followers, attachments) stays possible on a locked settlement
        if (
            locked
            and not self.env.context.get("chain_settlement_confirm")
            and not all(fname.startswith("message_") for fname in vals)
        ):
            raise UserError(self.env._("A confirmed settlement is locked and cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(settlement.state == "confirmed" for settlement in self):
            raise UserError(self.env._("A confirmed settlement cannot be deleted."))

    def _check_hq(self):
        if not (self.env.su or self.env.user.has_group("store_chain.group_chain_hq")):
            raise AccessError(self.env._("Only Chain HQ can compute and confirm settlements."))

    # ------------------------------------------------------------------ computation

    def _get_store_figures(self):
        """{store id or None: figures in integer minor units} for the period, plus the opening
        and closing outstanding stored value; two queries on the ledger."""
        self.ensure_one()
        self.env["member.wallet.move"].flush_model()
        start, end = self._get_bounds()
        params = {
            "scale": 10**self.currency_id.decimal_places,
            "currency": self.currency_id.id,
            "start": start,
            "end": end,
        }
        cr = self.env.cr
        cr.execute(
            """
            SELECT chain_store_id,
                   COUNT(*),
                   ROUND(SUM(CASE WHEN kind = 'topup' THEN amount_principal ELSE 0 END)
                         * %(scale)s)::bigint,
                   ROUND(SUM(CASE WHEN kind = 'topup' THEN COALESCE(amount_bonus, 0)
                                  WHEN kind = 'bonus' THEN COALESCE(amount_principal, 0)
                                                           + COALESCE(amount_bonus, 0)
                                  ELSE 0 END) * %(scale)s)::bigint,
                   ROUND(SUM(CASE WHEN kind = 'spend' THEN -amount_principal ELSE 0 END)
                         * %(scale)s)::bigint,
                   ROUND(SUM(CASE WHEN kind = 'spend' THEN -amount_bonus ELSE 0 END)
                         * %(scale)s)::bigint,
                   ROUND(SUM(CASE WHEN kind = 'refund' THEN COALESCE(amount_principal, 0)
                                                            + COALESCE(amount_bonus, 0)
                                  ELSE 0 END) * %(scale)s)::bigint,
                   ROUND(SUM(CASE WHEN kind = 'cashout' THEN -amount_principal ELSE 0 END)
                         * %(scale)s)::bigint,
                   ROUND(SUM(CASE WHEN kind = 'cashout' THEN -amount_bonus ELSE 0 END)
                         * %(scale)s)::bigint,
                   ROUND(SUM(COALESCE(amount_principal, 0) + COALESCE(amount_bonus, 0))
                         * %(scale)s)::bigint
              FROM member_wallet_move
             WHERE currency_id = %(currency)s AND date >= %(start)s AND date < %(end)s
          GROUP BY chain_store_id
            """,
            params,
        )
        figures = {}
        for row in cr.fetchall():
            (store_id, count, topup, granted, p_spent, b_spent, refund, cashout, voided) = row[:9]
            liability = row[9] or 0
            topup, granted, p_spent, b_spent, refund, cashout, voided = (
                value or 0 for value in (topup, granted, p_spent, b_spent, refund, cashout, voided)
            )
            net_due = topup - p_spent - b_spent + refund - cashout
            figures[store_id] = {
                "row_count": count,
                "topup_amount": topup,
                "bonus_granted": granted,
                "principal_spent": p_spent,
                "bonus_spent": b_spent,
                "refund_amount": refund,
                "cashout_amount": cashout,
                "bonus_voided": voided,
                # adjustments and any kind the ledger may gain later: the rest of the change
                "adjustment_amount": liability - net_due - granted + voided,
                "liability_change": liability,
                "net_due": net_due,
            }
        # outstanding stored value at both bounds, in one scan independent of the stores
        cr.execute(
            """
            SELECT ROUND(COALESCE(SUM(CASE WHEN date < %(start)s
                                          THEN COALESCE(amount_principal, 0)
                                               + COALESCE(amount_bonus, 0) END), 0)
                         * %(scale)s)::bigint,
                   ROUND(COALESCE(SUM(COALESCE(amount_principal, 0)
                                      + COALESCE(amount_bonus, 0)), 0) * %(scale)s)::bigint
              FROM member_wallet_move
             WHERE currency_id = %(currency)s AND date < %(end)s
            """,
            params,
        )
        outstanding = cr.fetchone()
        return figures, outstanding[0], outstanding[1]

    def action_compute(self):
        self._check_hq()
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(self.env._("Only a draft settlement can be recomputed."))
            figures, opening, closing = settlement._get_store_figures()
            scale = 10**settlement.currency_id.decimal_places
            stores = self.env["chain.store"].sudo().with_context(active_test=False)
            stores = stores.browse([store_id for store_id in figures if store_id])
            companies = {store.id: store.company_id.id for store in stores}
            settlement.line_ids.unlink()
            settlement.write(
                {
                    "opening_liability": opening / scale,
                    "closing_liability": closing / scale,
                    "computed_date": fields.Datetime.now(),
                    "line_ids": [
                        Command.create(
                            {
                                "store_id": store_id,
                                "company_id": companies.get(store_id, settlement.company_id.id),
                                **{
                                    fname: value if fname == "row_count" else value / scale
                                    for fname, value in values.items()
                                },
                            }
                        )
                        for store_id, values in sorted(
                            figures.items(), key=lambda item: item[0] or 0
                        )
                    ],
                }
            )
        return True

    def action_confirm(self):
        """Lock the period, recompute, check the reconciliation and post the entries."""
        self._check_hq()
        # one confirmation at a time: two overlapping periods cannot both pass the check
        self.env.cr.execute("SELECT pg_advisory_xact_lock(%s)", (SETTLEMENT_LOCK_KEY,))
        now = fields.Datetime.now()
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(self.env._("%s is already confirmed.", settlement.name))
            if now < settlement._get_bounds()[1]:
                raise UserError(
                    self.env._(
                        "The period of %s has not ended yet: confirm it from the day after its "
                        "last day, when no movement can be added to it any more.",
                        settlement.name,
                    )
                )
            settlement._check_overlap()
            settlement.action_compute()
            if not settlement.reconciled:
                raise UserError(settlement.reconciliation_note)
            settlement.line_ids._post_entries()
            settlement.with_context(chain_settlement_confirm=True).write(
                {
                    "state": "confirmed",
                    "confirmed_date": fields.Datetime.now(),
                    "confirmed_uid": self.env.uid,
                }
            )
        return True

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_journal_line")
        action["domain"] = [("id", "in", self.move_ids.ids)]
        action["context"] = {}
        return action
