import logging
import random
import uuid
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .res_partner_ledger import API_KEY_PREFIX

_logger = logging.getLogger(__name__)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞"]


class MemberLoyaltyDemo(models.AbstractModel):
    """Demo history generator, run by ``scripts/run`` (``odoo shell``) and reused by benchmarks.

    Creates members with a year of POS orders, top-ups, spends, redemptions and expiries through
    the real engine, then back-dates the rows so that every screen shows realistic figures.
    """

    _name = "member.loyalty.demo"
    _description = "Member Loyalty Demo Generator"

    @api.model
    def _demo_generate(self, members=200, seed=42):
        icp = self.env["ir.config_parameter"].sudo()
        if icp.get_param("member_loyalty.demo_generated"):
            return False  # idempotent: the history is generated once per database
        rng = random.Random(seed)
        pos = self._demo_pos_context()
        today = fields.Datetime.now()
        partners = self._demo_members(members, rng, today)
        for partner in partners:
            self._demo_member_history(partner, rng, today, pos)
        self._demo_expire(today)
        partners._member_update_tier()
        icp.set_param("member_loyalty.demo_generated", fields.Datetime.to_string(today))
        _logger.info("member_loyalty demo: %s members generated", len(partners))
        return True

    def _demo_pos_context(self):
        config = self.env.ref("point_of_sale.pos_config_main", raise_if_not_found=False)
        if not config or not config.payment_method_ids:
            return None
        if not config.current_session_id:
            # a session is opened by a POS user (the shell runs as the system user)
            opener = self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
            config.with_user(opener).open_ui()
        products = self.env["product.product"].search(
            [("available_in_pos", "=", True), ("list_price", ">", 0)], limit=30
        )
        if not products:
            return None
        return {
            "config": config,
            "session": config.current_session_id,
            "payment_method": config.payment_method_ids[:1],
            "products": products,
        }

    def _demo_members(self, count, rng, today):
        Partner = self.env["res.partner"]
        partners = Partner
        for index in range(count):
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
            phone = f"+86139{10000000 + index:08d}"
            if Partner.search_count([("member_phone", "=", phone)]):
                continue
            partner = Partner.create(
                {
                    "name": name,
                    "phone": phone,
                    "birthday": fields.Date.to_date("1960-01-01")
                    + timedelta(days=rng.randint(0, 15000)),
                    "gender": rng.choice(["female", "male"]),
                    "consent_sms": rng.random() < 0.6,
                    "consent_email": rng.random() < 0.3,
                }
            )
            partner._member_enrol()
            partner.member_enrol_date = (today - timedelta(days=rng.randint(200, 365))).date()
            partners |= partner
        return partners

    def _demo_member_history(self, partner, rng, today, pos):
        start = fields.Datetime.to_datetime(partner.member_enrol_date)
        span = max(1, (today - start).days)
        events = sorted(rng.randint(1, span) for _i in range(rng.randint(2, 8)))
        for day in events:
            when = start + timedelta(days=day, hours=rng.randint(9, 20))
            roll = rng.random()
            key = f"demo:{uuid.UUID(int=rng.getrandbits(128))}"
            if roll < 0.15:
                partner.member_topup(rng.choice([100.0, 200.0, 500.0, 1000.0]), key)
            elif roll < 0.25 and partner.member_wallet >= 20:
                half = self.env.company.currency_id.round(partner.member_wallet / 2)
                partner.member_wallet_spend(half, key)
            elif roll < 0.32 and partner.member_points >= 100:
                partner.member_points_redeem(partner.member_points // 2, key)
            elif pos:
                key = self._demo_pos_order(partner, rng, pos)
            else:
                continue
            self._demo_backdate(key, when)

    def _demo_pos_order(self, partner, rng, pos):
        order_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
        lines, total = [], 0.0
        for product in rng.sample(pos["products"], k=min(len(pos["products"]), rng.randint(1, 4))):
            qty = rng.randint(1, 3)
            amount = product.list_price * qty
            total += amount
            lines.append(
                (0, 0, {
                    "product_id": product.id, "qty": qty, "price_unit": product.list_price,
                    "price_subtotal": amount, "price_subtotal_incl": amount, "discount": 0,
                    "tax_ids": [(6, 0, [])], "pack_lot_ids": [],
                })
            )  # fmt: skip
        now = fields.Datetime.to_string(fields.Datetime.now())
        self.env["pos.order"].sync_from_ui(
            [
                {
                    "amount_paid": total, "amount_return": 0, "amount_tax": 0,
                    "amount_total": total, "date_order": now, "fiscal_position_id": False,
                    "pricelist_id": pos["config"].pricelist_id.id,
                    "name": f"Order {order_uuid}", "last_order_preparation_change": "{}",
                    "lines": lines, "partner_id": partner.id,
                    "session_id": pos["session"].id, "sequence_number": 1,
                    "payment_ids": [(0, 0, {
                        "amount": total, "name": now,
                        "payment_method_id": pos["payment_method"].id,
                    })],
                    "uuid": order_uuid, "user_id": self.env.uid, "to_invoice": False,
                }
            ]
        )  # fmt: skip
        return f"pos.order:{order_uuid}"

    def _demo_backdate(self, key, when):
        """Move the rows written under ``key`` (and its order) back to ``when``."""
        self.env.flush_all()
        cr = self.env.cr
        # the ledger stores the keys of the API calls in their namespace
        stored = key if key.startswith("pos.order:") else API_KEY_PREFIX + key
        pattern = stored.replace("%", r"\%").replace("_", r"\_") + "%"
        if key.startswith("pos.order:"):
            cr.execute(
                "UPDATE pos_order SET date_order = %s WHERE uuid = %s RETURNING id",
                (when, key.split(":", 1)[1]),
            )
            order_ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                "UPDATE member_points_move SET date = %s WHERE pos_order_id = ANY(%s)",
                (when, order_ids),
            )
        cr.execute(
            "UPDATE member_wallet_move SET date = %s WHERE idempotency_key LIKE %s", (when, pattern)
        )
        cr.execute(
            "UPDATE member_points_move SET date = %s WHERE idempotency_key LIKE %s",
            (when, pattern),
        )
        expiry = (when + relativedelta(months=12, day=31)).date()
        cr.execute(
            """
            UPDATE member_points_lot l SET date = m.date, expiry_date = %s
              FROM member_points_move m
             WHERE m.lot_id = l.id AND m.date = %s
            """,
            (expiry, when),
        )
        self.env.invalidate_all()

    def _demo_expire(self, today):
        """Make the oldest lots due (as if earned more than a year ago) and run the expiry."""
        self.env.cr.execute(
            """
            UPDATE member_points_lot SET expiry_date = %s
             WHERE points_remaining > 0 AND date < %s
            """,
            (today.date() - timedelta(days=1), today - timedelta(days=300)),
        )
        self.env.invalidate_all()
        self.env["res.partner"].with_context(member_no_commit=True)._cron_expire_points()
