from datetime import date, datetime, time, timedelta

from odoo.tests import TransactionCase
from odoo.tools import SQL


def hold_member_card(partner):
    """With member_loyalty (bridge member_marketing_loyalty) only a card holder is a member in
    the monthly figures: give ``partner`` a member number, as if enrolled at a till."""
    if "member_number" in partner._fields:
        partner.env.cr.execute(
            SQL(
                "UPDATE res_partner SET member_number = %s WHERE id = %s",
                f"MM-TEST-{partner.id}",
                partner.id,
            )
        )
        partner.invalidate_recordset(["member_number"])
    return partner


def insert_orders(env, partner, orders, today):
    """Insert paid POS orders directly: the segment SQL reads only ``pos_order`` (the
    triggers on it log the member for the next refresh, whoever inserts).

    ``orders`` is a list of ``(days_ago, amount)``; each order is placed at 10:00 UTC.
    """
    session = env["pos.session"].search([], limit=1)
    rows = [
        SQL(
            "(%s, %s, %s, 0, %s, %s, 0, %s, %s, 'paid', NOW() AT TIME ZONE 'UTC',"
            " NOW() AT TIME ZONE 'UTC')",
            session.company_id.id,
            session.id,
            f"MM-TEST/{partner.id}/{index}",
            amount,
            amount,
            partner.id,
            datetime.combine(today - timedelta(days=days_ago), time(10)),
        )
        for index, (days_ago, amount) in enumerate(orders)
    ]
    env.cr.execute(
        SQL(
            """INSERT INTO pos_order (company_id, session_id, name, amount_tax, amount_total,
                                      amount_paid, amount_return, partner_id, date_order, state,
                                      create_date, write_date)
               VALUES %s""",
            SQL(", ").join(rows),
        )
    )


class MemberMarketingCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # isolate from demo POS orders: only the orders of each test count
        cls.env.cr.execute("UPDATE pos_order SET state = 'cancel' WHERE state != 'cancel'")
        cls.today = date(2026, 6, 15)
        cls.engine = cls.env["member.segment.engine"]
        # a known start: the first refresh rebuilds from the orders of the test
        cls.engine._drop_state()

    @classmethod
    def _member(cls, name, orders=(), **vals):
        partner = cls.env["res.partner"].create({"name": name, **vals})
        if orders:
            insert_orders(cls.env, partner, orders, cls.today)
        return partner

    def _refresh(self, today=None):
        return self.engine._refresh(today=today or self.today)

    def _lifecycle(self, code):
        return self.env.ref(f"member_marketing.segment_lifecycle_{code}")

    def _rfm(self, code):
        return self.env.ref(f"member_marketing.segment_rfm_{code}")

    def _profile(self, partner):
        return self.env["member.marketing.profile"].search([("partner_id", "=", partner.id)])
