from datetime import timedelta

from odoo import fields, models

PAID_STATES = ("paid", "done", "invoiced")


class ChainStore(models.Model):
    """Member figures of the last 30 days on the store dashboard."""

    _inherit = "chain.store"

    member_count = fields.Integer(compute="_compute_member_figures", string="Home Members")
    new_member_count_month = fields.Integer(
        compute="_compute_member_figures", string="New Members (30 days)"
    )
    member_sales_share_month = fields.Float(
        compute="_compute_member_figures",
        string="Member Share of Sales (30 days)",
        help="Sales to members / all sales of the store over the last 30 days, in %.",
    )
    topup_month = fields.Monetary(
        compute="_compute_member_figures", string="Top-ups (30 days)", currency_field="currency_id"
    )
    stored_value_spent_month = fields.Monetary(
        compute="_compute_member_figures",
        string="Stored Value Spent (30 days)",
        currency_field="currency_id",
    )

    def _compute_member_figures(self):
        """Grouped queries for all stores at once (sudo: aggregated figures, no personal data;
        the stores themselves were read under the user's rules)."""
        since = fields.Datetime.now() - timedelta(days=30)
        Partner = self.env["res.partner"].sudo()
        members = dict(
            Partner._read_group(
                [("member_home_store_id", "in", self.ids)], ["member_home_store_id"], ["__count"]
            )
        )
        new_members = dict(
            Partner._read_group(
                [
                    ("member_home_store_id", "in", self.ids),
                    ("member_enrol_date", ">=", since.date()),
                ],
                ["member_home_store_id"],
                ["__count"],
            )
        )
        domain = [
            ("chain_store_id", "in", self.ids),
            ("state", "in", PAID_STATES),
            ("date_order", ">=", since),
        ]
        Order = self.env["pos.order"].sudo()
        sales = dict(Order._read_group(domain, ["chain_store_id"], ["amount_total:sum"]))
        member_sales = dict(
            Order._read_group(
                [*domain, ("partner_id.member_number", "!=", False)],
                ["chain_store_id"],
                ["amount_total:sum"],
            )
        )
        wallet = {
            (store, kind): amount
            for store, kind, amount in self.env["member.wallet.move"]
            .sudo()
            ._read_group(
                [
                    ("chain_store_id", "in", self.ids),
                    ("kind", "in", ("topup", "spend")),
                    ("date", ">=", since),
                ],
                ["chain_store_id", "kind"],
                ["amount:sum"],
            )
        }
        for store in self:
            total, member = sales.get(store, 0.0), member_sales.get(store, 0.0)
            store.member_count = members.get(store, 0)
            store.new_member_count_month = new_members.get(store, 0)
            store.member_sales_share_month = 100.0 * member / total if total else 0.0
            store.topup_month = wallet.get((store, "topup"), 0.0)
            store.stored_value_spent_month = -wallet.get((store, "spend"), 0.0)
