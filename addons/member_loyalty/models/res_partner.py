import phonenumbers
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

PHONE_FIELDS = ("phone", "mobile")
# written by the member engine only (enrolment, tier review), or by a member manager
ENGINE_FIELDS = frozenset(
    {
        "member_number",
        "member_tier_id",
        "member_enrol_date",
        "member_enrol_config_id",
        "member_enrol_company_id",
        "member_review_date",
    }
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    member_number = fields.Char(
        copy=False,
        index="btree_not_null",
        readonly=True,
        help="Chain-wide member number (shared by every company), printable as a barcode.",
    )
    is_member = fields.Boolean(compute="_compute_is_member", search="_search_is_member")
    member_tier_id = fields.Many2one(
        "member.tier", copy=False, readonly=True, index="btree_not_null"
    )
    member_enrol_date = fields.Date(string="Enrolment Date", copy=False, readonly=True)
    member_review_date = fields.Date(
        string="Last Tier Review",
        copy=False,
        readonly=True,
        help="Date of the last periodic tier review of this member.",
    )
    member_enrol_config_id = fields.Many2one(
        "pos.config", string="Enrolled at", copy=False, readonly=True
    )
    member_enrol_company_id = fields.Many2one(
        "res.company", string="Enrolment Company", copy=False, readonly=True
    )
    member_phone = fields.Char(
        string="Member Phone (E.164)",
        compute="_compute_member_phone",
        store=True,
        copy=False,
        help="Normalised phone identifying the member; unique among members.",
    )
    birthday = fields.Date()
    gender = fields.Selection([("female", "Female"), ("male", "Male"), ("other", "Other")])
    consent_sms = fields.Boolean(string="SMS Consent")
    consent_sms_date = fields.Datetime(string="SMS Consent Date")
    consent_email = fields.Boolean(string="Email Consent")
    consent_email_date = fields.Datetime(string="Email Consent Date")
    member_tier_history_ids = fields.One2many(
        "member.tier.history", "partner_id", string="Tier History"
    )
    member_balance_id = fields.Many2one("member.balance", compute="_compute_member_balance")
    member_points = fields.Integer(compute="_compute_member_balance", string="Points")
    member_principal = fields.Monetary(
        compute="_compute_member_balance", string="Stored Value (Paid)"
    )
    member_bonus = fields.Monetary(compute="_compute_member_balance", string="Stored Value (Bonus)")
    member_wallet = fields.Monetary(compute="_compute_member_balance", string="Stored Value")
    member_points_expiring = fields.Integer(
        compute="_compute_member_points_expiring",
        string="Points Expiring Soon",
        help="Points expiring before the end of next month.",
    )
    member_points_move_ids = fields.One2many(
        "member.points.move", "partner_id", string="Points Ledger"
    )
    member_wallet_move_ids = fields.One2many(
        "member.wallet.move", "partner_id", string="Stored Value Ledger"
    )
    member_points_lot_ids = fields.One2many(
        "member.points.lot",
        "partner_id",
        string="Points Lots",
        domain=[("points_remaining", ">", 0)],
    )

    _sql_constraints = [
        ("member_number_unique", "UNIQUE(member_number)", "This member number is already used."),
    ]

    def init(self):
        res = super().init()
        # one member per normalised phone, enforced by the database as well
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS res_partner_member_phone_uniq
                ON res_partner (member_phone) WHERE member_phone IS NOT NULL
            """
        )
        return res

    # ------------------------------------------------------------------ computes

    @api.depends("member_number")
    def _compute_is_member(self):
        for partner in self:
            partner.is_member = bool(partner.member_number)

    def _search_is_member(self, operator, value):
        if operator not in ("=", "!="):
            raise ValidationError(self.env._("Unsupported search on members."))
        positive = (operator == "=") == bool(value)
        return [("member_number", "!=" if positive else "=", False)]

    @api.depends("member_number", "phone", "mobile")
    def _compute_member_phone(self):
        for partner in self:
            number = partner.mobile or partner.phone
            if not partner.member_number or not number:
                partner.member_phone = False
                continue
            try:
                partner.member_phone = partner._member_format_phone(number)
            except ValidationError:
                partner.member_phone = False

    def _compute_member_balance(self):
        # sudo: balances are read-only figures of these partners, shown wherever they are
        balances = self.env["member.balance"].sudo().search([("partner_id", "in", self.ids)])
        by_partner = {balance.partner_id.id: balance for balance in balances}
        for partner in self:
            balance = by_partner.get(partner.id, self.env["member.balance"])
            partner.member_balance_id = balance
            partner.member_points = balance.points
            partner.member_principal = balance.principal
            partner.member_bonus = balance.bonus
            partner.member_wallet = balance.principal + balance.bonus

    def _compute_member_points_expiring(self):
        limit = self._member_today() + relativedelta(months=1, day=31)
        # sudo: read-only figures of these partners' own lots
        groups = dict(
            self.env["member.points.lot"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("points_remaining", ">", 0),
                    ("expiry_date", "<=", limit),
                ],
                ["partner_id"],
                ["points_remaining:sum"],
            )
        )
        for partner in self:
            partner.member_points_expiring = groups.get(partner, 0)

    # ------------------------------------------------------------------ phones

    def _member_phone_region(self):
        country = self.country_id or self.env.company.country_id
        if country.code in phonenumbers.SUPPORTED_REGIONS:
            return country.code
        return "CN"  # chain default when neither partner nor company has a dialable country

    def _member_format_phone(self, number, field_label=None):
        """Return ``number`` in E.164 or raise a ValidationError naming field and value."""
        field_label = field_label or self.env._("Phone")
        try:
            parsed = phonenumbers.parse(number, self._member_phone_region())
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(
                self.env._(
                    "%(field)s: '%(value)s' is not a phone number. Enter it with its area or "
                    "country code, e.g. +86 138 0013 8000.",
                    field=field_label,
                    value=number,
                )
            ) from exc
        if not phonenumbers.is_valid_number(parsed):
            raise ValidationError(
                self.env._(
                    "%(field)s: '%(value)s' is not a valid phone number. Check the number of "
                    "digits and the country code.",
                    field=field_label,
                    value=number,
                )
            )
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

    def _member_normalise_phone_vals(self, vals):
        """Rewrite phone/mobile of ``vals`` in E.164 (for members)."""
        for fname in PHONE_FIELDS:
            if vals.get(fname):
                vals[fname] = self._member_format_phone(vals[fname], self._fields[fname].string)
        return vals

    def _member_check_phone_free(self, phone):
        """Refuse ``phone`` (E.164) if another member already has it."""
        owner = self.search([("member_phone", "=", phone), ("id", "not in", self.ids)], limit=1)
        if owner:
            raise ValidationError(
                self.env._(
                    "The phone %(phone)s already belongs to member %(number)s.",
                    phone=phone,
                    number=owner.member_number,
                )
            )

    @api.constrains("member_phone", "member_number")
    def _check_member_phone(self):
        members = self.filtered("member_number")
        for partner in members:
            for fname in PHONE_FIELDS:
                if partner[fname]:
                    partner._member_format_phone(partner[fname], self._fields[fname].string)
        phones = [phone for phone in members.mapped("member_phone") if phone]
        if not phones:
            return
        duplicates = self.search(
            [("member_phone", "in", phones), ("id", "not in", members.ids)], limit=1
        )
        if duplicates:
            raise ValidationError(
                self.env._(
                    "The phone %(phone)s already belongs to member %(number)s.",
                    phone=duplicates.member_phone,
                    number=duplicates.member_number,
                )
            )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        self._member_check_engine_fields(set().union(*vals_list) if vals_list else set())
        for vals in vals_list:
            if vals.get("member_number"):
                self._member_normalise_phone_vals(vals)
            for flag in ("consent_sms", "consent_email"):
                if vals.get(flag) and not vals.get(f"{flag}_date"):
                    vals[f"{flag}_date"] = now
        return super().create(vals_list)

    def write(self, vals):
        self._member_check_engine_fields(vals)
        if any(vals.get(fname) for fname in PHONE_FIELDS) and (
            vals.get("member_number") or any(self.mapped("member_number"))
        ):
            vals = self._member_normalise_phone_vals(dict(vals))
            if len(self) == 1:
                phone = vals.get("mobile", self.mobile) or vals.get("phone", self.phone)
                if phone:
                    self._member_check_phone_free(self._member_format_phone(phone))
        changed = {
            flag: self.filtered(lambda p, flag=flag: p[flag] != bool(vals[flag]))
            for flag in ("consent_sms", "consent_email")
            if flag in vals and f"{flag}_date" not in vals
        }
        # a tier set by hand (the engine records its own changes): history and prices follow
        retiered = {}
        if "member_tier_id" in vals and not self.env.context.get("member_tier_engine"):
            retiered = {
                partner: partner.member_tier_id
                for partner in self
                if partner.member_number and partner.member_tier_id.id != vals["member_tier_id"]
            }
        res = super().write(vals)
        now = fields.Datetime.now()
        for flag, partners in changed.items():
            if partners:
                super(ResPartner, partners).write({f"{flag}_date": now})
        if retiered:
            # sudo: the tier history is written by the engine only (no user create access)
            self.env["member.tier.history"].sudo().create(
                [
                    {
                        "partner_id": partner.id,
                        "old_tier_id": old.id,
                        "new_tier_id": partner.member_tier_id.id,
                        "reason": "manual",
                    }
                    for partner, old in retiered.items()
                ]
            )
            for partner in retiered:
                partner._member_apply_tier_pricelist()
        return res

    def _member_check_engine_fields(self, fnames):
        """Member number, tier and enrolment data are the engine's: refuse them to users."""
        if self.env.su or not ENGINE_FIELDS.intersection(fnames):
            return
        if not self.env.user.has_group("member_loyalty.group_member_manager"):
            raise AccessError(
                self.env._("Only a member manager may change member numbers, tiers or enrolment.")
            )

    # ------------------------------------------------------------------ enrolment

    def _member_enrol(self, config=None, company=None):
        """Make these partners members: number from the sequence, base tier, balance row."""
        base_tier = self.env["member.tier"]._get_base_tier()
        sequence = self.env["ir.sequence"].sudo()  # chain-wide sequence, no company
        today = fields.Date.context_today(self)
        for partner in self.filtered(lambda p: not p.member_number):
            phones = partner._member_normalise_phone_vals(
                {fname: partner[fname] for fname in PHONE_FIELDS if partner[fname]}
            )
            if phones:
                partner._member_check_phone_free(phones.get("mobile") or phones["phone"])
            # sudo: the engine writes its own fields (refused to users in write())
            partner.sudo().with_context(member_tier_engine=True).write(
                {
                    **phones,
                    "member_number": sequence.next_by_code("member_loyalty.member_number"),
                    "member_tier_id": base_tier.id,
                    "member_enrol_date": today,
                    "member_enrol_config_id": config.id if config else False,
                    "member_enrol_company_id": (company or self.env.company).id,
                }
            )
            if base_tier:
                # sudo: the tier history is written by the engine only (no user create access)
                self.env["member.tier.history"].sudo().create(
                    {"partner_id": partner.id, "new_tier_id": base_tier.id, "reason": "enrol"}
                )
            partner._member_apply_tier_pricelist()
        return True

    def action_member_enrol(self):
        self.env["res.partner"]._member_check_rights()
        self._member_enrol()
        return True

    @api.model
    def _member_resolve_store(self, code):
        """Resolve an API ``store_code`` into enrolment values. Overridden by store bridges.

        Without a store model, the code is the name of a point of sale.
        """
        config = self.env["pos.config"].search([("name", "=", code)], limit=1)
        if not config:
            raise ValidationError(self.env._("Unknown store code '%s'.", code))
        return {"config": config, "company": config.company_id}

    # ------------------------------------------------------------------ tiers

    def _member_apply_tier_pricelist(self):
        """Set the member prices of the tier in every company of the chain (the pricelist is
        company-dependent): a branch or franchise company gets its own tier pricelist, or the
        shared one. A company without member prices for the tier falls back to the default
        pricelist if the member had a tier pricelist there; a pricelist set by hand stays.
        """
        companies = self.env["res.company"].sudo().search([("active", "=", True)])
        tier_pricelists = (
            self.env["member.tier"]
            .sudo()
            .with_context(active_test=False)
            .search(["|", ("pricelist_id", "!=", False), ("company_pricelist_ids", "!=", False)])
            .mapped(lambda t: t.pricelist_id | t.company_pricelist_ids)
        )
        # sudo: the engine writes the member prices of companies the user may not be in
        for partner in self.sudo():
            tier = partner.member_tier_id
            for company in companies:
                pricelist = tier._get_pricelist(company) if tier else tier_pricelists[:0]
                partner_in_company = partner.with_company(company)
                current = partner_in_company.specific_property_product_pricelist
                if current == pricelist or (not pricelist and current not in tier_pricelists):
                    continue
                partner_in_company.specific_property_product_pricelist = pricelist

    def _member_tier_metrics(self, tiers):
        """{(partner id, tier id): metric value} for these members, one query per metric and
        window (tiers usually share both)."""
        values = {}
        now = fields.Datetime.now()
        by_metric = {}
        for tier in tiers:
            by_metric.setdefault((tier.metric, tier.window_days), []).append(tier)
        for (metric, window_days), same_tiers in by_metric.items():
            since = now - relativedelta(days=window_days)
            if metric == "spend":
                partner_values = self._member_spend_since(since)
            elif metric == "points":
                # earned, net of the earnings taken back by refunds (negative refund rows)
                partner_values = self._member_sum_since(
                    "member.points.move",
                    "points:sum",
                    since,
                    [
                        "|",
                        ("kind", "in", ("earn", "bonus")),
                        "&",
                        ("kind", "=", "refund"),
                        ("points", "<", 0),
                    ],
                )
            else:
                partner_values = self._member_topup_since(since)
            for partner_id, value in partner_values.items():
                for tier in same_tiers:
                    values[partner_id, tier.id] = value or 0.0
        return values

    def _member_sum_since(self, model, aggregate, since, domain):
        """{partner id: ``aggregate``} of these members' ``model`` rows dated from ``since``."""
        date = "date_order" if model == "pos.order" else "date"
        groups = (
            self.env[model]
            .sudo()
            ._read_group(
                [("partner_id", "in", self.ids), (date, ">=", since), *domain],
                ["partner_id"],
                [aggregate],
            )
        )
        return {partner.id: value for partner, value in groups}

    def _member_spend_since(self, since):
        """{partner id: amount paid for POS purchases since ``since``}: the orders' totals
        without the stored value sold at the till (top-up lines), which counts when spent."""
        paid = [("state", "in", ("paid", "done", "invoiced"))]
        spend = self._member_sum_since("pos.order", "amount_total:sum", since, paid)
        topup_products = self.env["pos.config"]._member_special_products()[1]
        if topup_products:
            topups = (
                self.env["pos.order.line"]
                .sudo()
                ._read_group(
                    [
                        ("order_id.partner_id", "in", self.ids),
                        ("order_id.date_order", ">=", since),
                        ("order_id.state", "in", ("paid", "done", "invoiced")),
                        ("product_id", "in", topup_products.ids),
                    ],
                    ["order_id"],
                    ["price_subtotal_incl:sum"],
                )
            )
            for order, amount in topups:
                partner_id = order.partner_id.id
                spend[partner_id] = spend.get(partner_id, 0.0) - amount
        return spend

    def _member_topup_since(self, since):
        """{partner id: largest single top-up since ``since``}, leaving out the top-ups a
        later cash-out returned."""
        self.env["member.wallet.move"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT t.partner_id, MAX(t.amount_principal)
                  FROM member_wallet_move t
                 WHERE t.partner_id = ANY(%(ids)s) AND t.kind = 'topup' AND t.date >= %(since)s
                   AND NOT EXISTS (SELECT FROM member_wallet_move c
                                    WHERE c.partner_id = t.partner_id AND c.kind = 'cashout'
                                      AND c.date >= t.date)
              GROUP BY t.partner_id
                """,
                ids=self.ids,
                since=since,
            )
        )
        return dict(self.env.cr.fetchall())

    def _member_update_tier(self, allow_downgrade=False):
        """Upgrade to the best qualifying tier; downgrade only when ``allow_downgrade``."""
        tiers = self.env["member.tier"].sudo().search([("active", "=", True)])
        members = self.sudo().filtered("member_number")
        if not tiers or not members:
            return
        metrics = members._member_tier_metrics(tiers)
        History = self.env["member.tier.history"].sudo()
        history_vals = []
        for partner in members:
            value = {tier: metrics.get((partner.id, tier.id), 0.0) for tier in tiers}
            current = partner.member_tier_id
            qualified = tiers.filtered(lambda t, v=value: v[t] >= t.qualify_threshold)
            best = qualified[-1:] if qualified else tiers[:1]
            if best == current:
                continue
            if current and (best.sequence, best.id) < (current.sequence, current.id):
                # downgrades wait for the periodic review and spare members who kept the tier
                if not allow_downgrade or value.get(current, 0.0) >= current.retain_threshold:
                    continue
                # down to the highest tier below whose retention threshold is met (a Gold
                # member with that figure keeps Gold), never below the qualifying tier
                kept = tiers.filtered(
                    lambda t, v=value, c=current: (t.sequence, t.id) < (c.sequence, c.id)
                    and v[t] >= t.retain_threshold
                )
                best = (kept | best).sorted(lambda t: (t.sequence, t.id))[-1]
                reason = "downgrade"
            else:
                reason = "upgrade"
            history_vals.append(
                {
                    "partner_id": partner.id,
                    "old_tier_id": current.id,
                    "new_tier_id": best.id,
                    "reason": reason,
                    "metric_value": value[best],
                }
            )
            partner.with_context(member_tier_engine=True).member_tier_id = best
            partner._member_apply_tier_pricelist()
        History.create(history_vals)

    @api.model
    def _cron_review_tiers(self, batch_size=1000, partner_ids=None):
        """Periodic review: the only place where members are downgraded.

        Members are claimed in batches (``FOR NO KEY UPDATE SKIP LOCKED``, commit per batch)
        and stamped with the review date, so that a second run the same day, or a second
        worker, reviews nobody twice.
        """
        today = fields.Date.context_today(self)

        def query(limit, ids):
            return SQL(
                """
                SELECT id
                  FROM res_partner
                 WHERE member_number IS NOT NULL
                   AND (member_review_date IS NULL OR member_review_date < %(today)s)
                   AND (%(all)s OR id = ANY(%(ids)s::int[]))
              ORDER BY id
                 LIMIT %(limit)s
                   FOR NO KEY UPDATE SKIP LOCKED
                """,
                today=today,
                all=ids is None,
                ids=list(ids or []),
                limit=limit,
            )

        def process(members):
            members._member_update_tier(allow_downgrade=True)
            members.flush_recordset()
            self.env.cr.execute(
                SQL(
                    "UPDATE res_partner SET member_review_date = %s WHERE id = ANY(%s)",
                    today,
                    members.ids,
                )
            )
            members.invalidate_recordset(["member_review_date"])

        self._member_claim_batches(query, batch_size, process, partner_ids)
