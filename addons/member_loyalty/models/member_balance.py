import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)


class MemberBalance(models.Model):
    """Cached balances of one member: the row locked for every debit.

    Written only through ``_lock`` / ``_apply`` (plain SQL under a row lock); users have read
    access only. CHECK constraints make a negative balance impossible whatever the code does.
    """

    _name = "member.balance"
    _description = "Member Balance"
    _rec_name = "partner_id"
    _order = "id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, readonly=True, ondelete="restrict"
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    points = fields.Integer(readonly=True)
    principal = fields.Monetary(readonly=True, help="Paid stored value not yet spent.")
    bonus = fields.Monetary(readonly=True, help="Bonus stored value.")
    balance = fields.Monetary(compute="_compute_balance", string="Stored Value")

    _sql_constraints = [
        ("partner_unique", "UNIQUE(partner_id)", "A member has only one balance."),
        ("points_not_negative", "CHECK(points >= 0)", "Points cannot be negative."),
        ("principal_not_negative", "CHECK(principal >= 0)", "Stored value cannot be negative."),
        ("bonus_not_negative", "CHECK(bonus >= 0)", "Bonus value cannot be negative."),
    ]

    @api.depends("principal", "bonus")
    def _compute_balance(self):
        for balance in self:
            balance.balance = balance.principal + balance.bonus

    @api.model
    def _lock(self, partner):
        """Return the balance row of ``partner``, created if needed, locked until commit.

        ``FOR NO KEY UPDATE`` serialises all debits of one member; under Odoo's REPEATABLE READ a
        concurrent committed change raises a serialization failure, which the RPC layer retries.
        """
        partner.ensure_one()
        self.flush_model()
        query = "SELECT id FROM member_balance WHERE partner_id = %s FOR NO KEY UPDATE"
        self.env.cr.execute(query, (partner.id,))
        if not self.env.cr.rowcount:
            now = fields.Datetime.now()
            self.env.cr.execute(
                """
                INSERT INTO member_balance (partner_id, currency_id, points, principal, bonus,
                                            create_uid, write_uid, create_date, write_date)
                VALUES (%s, %s, 0, 0, 0, %s, %s, %s, %s)
                ON CONFLICT (partner_id) DO NOTHING
                """,
                (partner.id, self.env.company.currency_id.id, self.env.uid, self.env.uid, now, now),
            )
            self.env.cr.execute(query, (partner.id,))
        balance = self.browse(self.env.cr.fetchone()[0])
        balance.invalidate_recordset()
        return balance

    def _apply(self, points=0, principal=0.0, bonus=0.0):
        """Add the (signed) deltas to the locked balance row."""
        self.ensure_one()
        self.env.cr.execute(
            """
            UPDATE member_balance
               SET points = points + %s, principal = principal + %s, bonus = bonus + %s,
                   write_uid = %s, write_date = %s
             WHERE id = %s
            """,
            (points, principal, bonus, self.env.uid, fields.Datetime.now(), self.id),
        )
        self.invalidate_recordset(["points", "principal", "bonus"])
        self.partner_id.invalidate_recordset(
            [
                "member_points",
                "member_principal",
                "member_bonus",
                "member_wallet",
                "member_points_expiring",
            ]
        )

    @api.model
    def _get_drift(self):
        """Members whose cached balance differs from the sum of their ledgers (or lots)."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT b.partner_id, b.points, COALESCE(p.total, 0), COALESCE(l.total, 0),
                   b.principal, COALESCE(w.principal, 0), b.bonus, COALESCE(w.bonus, 0)
              FROM member_balance b
         LEFT JOIN (SELECT partner_id, SUM(points) AS total
                      FROM member_points_move GROUP BY partner_id) p ON p.partner_id = b.partner_id
         LEFT JOIN (SELECT partner_id, SUM(points_remaining) AS total
                      FROM member_points_lot GROUP BY partner_id) l ON l.partner_id = b.partner_id
         LEFT JOIN (SELECT partner_id, SUM(amount_principal) AS principal,
                           SUM(amount_bonus) AS bonus
                      FROM member_wallet_move GROUP BY partner_id) w ON w.partner_id = b.partner_id
             WHERE b.points <> COALESCE(p.total, 0) OR b.points <> COALESCE(l.total, 0)
                OR b.principal <> COALESCE(w.principal, 0) OR b.bonus <> COALESCE(w.bonus, 0)
            """
        )
        return [
            {
                "partner_id": row[0],
                "points": row[1],
                "points_ledger": row[2],
                "points_lots": row[3],
                "principal": float(row[4]),
                "principal_ledger": float(row[5]),
                "bonus": float(row[6]),
                "bonus_ledger": float(row[7]),
            }
            for row in self.env.cr.fetchall()
        ]

    @api.model
    def _cron_check_consistency(self):
        drift = self._get_drift()
        for row in drift:
            _logger.error("Member balance drift detected: %s", row)
        return drift

    @api.model
    def action_check_consistency(self):
        if not self.env.user.has_group("member_loyalty.group_member_user"):
            raise AccessError(self.env._("Only member users can run the consistency check."))
        drift = self._get_drift()
        if drift:
            partners = self.env["res.partner"].browse([row["partner_id"] for row in drift])
            message = self.env._(
                "%(count)s member(s) have balances that differ from their ledgers: %(names)s",
                count=len(drift),
                names=", ".join(partners.mapped("display_name")),
            )
            kind = "danger"
        else:
            message = self.env._("All member balances match their ledgers.")
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": bool(drift)},
        }
