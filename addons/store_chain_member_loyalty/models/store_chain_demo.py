import logging
import random
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"]


class StoreChainDemo(models.AbstractModel):
    """Member histories across the demo stores and last month's stored-value settlement."""

    _inherit = "store.chain.demo"

    @api.model
    def _demo_generate(self):
        res = super()._demo_generate()
        icp = self.env["ir.config_parameter"].sudo()
        if icp.get_param("store_chain_member_loyalty.demo_generated"):
            return res
        stores = self.env["chain.store"].search(
            [("state", "=", "open"), ("pos_config_ids", "!=", False)], order="code"
        )
        if len(stores) < 2:
            return res
        self._demo_deposit_accounts(stores)
        rng = random.Random(11)
        today = fields.Date.context_today(self)
        first = today.replace(day=1) - relativedelta(months=1)
        members = self._demo_members(stores, rng)
        for index, member in enumerate(members):
            home = member.member_home_store_id
            for step in range(rng.randint(2, 5)):
                key = f"demo-chain:{member.id}:{step}"
                store = home if step == 0 or rng.random() < 0.5 else rng.choice(stores)
                at = member.with_context(chain_store_id=store.id)
                if step == 0 or member.member_wallet < 20:
                    at.member_topup(float(rng.choice([100, 200, 500, 1000])), key)
                else:
                    at.member_wallet_spend(
                        self.env.company.currency_id.round(
                            member.member_wallet * rng.uniform(0.1, 0.6)
                        ),
                        key,
                    )
                day = first + timedelta(days=rng.randint(0, 27) if step else index % 10)
                self.env["member.loyalty.demo"]._demo_backdate(
                    key, datetime.combine(day, time(10)) + timedelta(hours=step)
                )
        settlement = self.env["chain.settlement"].create(
            {"date_from": first, "date_to": today.replace(day=1) - timedelta(days=1)}
        )
        try:
            with self.env.cr.savepoint():
                settlement.action_confirm()
        except UserError as error:
            _logger.info("store_chain demo: last month's settlement left in draft: %s", error)
            settlement.action_compute()
        icp.set_param("store_chain_member_loyalty.demo_generated", fields.Datetime.now())
        return True

    def _demo_deposit_accounts(self, stores):
        """Customer deposits account for HQ and every store company with its own books."""
        companies = (stores.company_id | stores.company_id.root_id).filtered(
            lambda c: not c.parent_id and not c.member_deposit_account_id
        )
        for company in companies:
            Account = self.env["account.account"].with_company(company)
            account = Account.search(
                [*Account._check_company_domain(company), ("code", "=", "224199")], limit=1
            ) or Account.create(
                {
                    "name": "Member stored value deposits",
                    "code": "224199",
                    "account_type": "liability_current",
                }
            )
            company.member_deposit_account_id = account

    def _demo_members(self, stores, rng):
        Partner = self.env["res.partner"]
        members = Partner
        for index in range(36):
            home = stores[index % len(stores)]
            phone = f"+86137{20000000 + index:08d}"
            if Partner.search_count([("member_phone", "=", phone)]):
                continue
            partner = Partner.create(
                {
                    "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    "phone": phone,
                    "member_home_store_id": home.id,
                }
            )
            partner._member_enrol(config=home.pos_config_ids[:1], company=home.company_id)
            members |= partner
        return members
