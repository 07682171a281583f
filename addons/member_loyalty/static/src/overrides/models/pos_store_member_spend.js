import { PosStore } from "@point_of_sale/app/store/pos_store";
import { serializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { MemberBalancePayment } from "@member_loyalty/app/payment/member_balance_payment";

const BALANCE_KEYS = ["points", "principal", "bonus", "balance"];

patch(PosStore.prototype, {
    async processServerData() {
        await super.processServerData(...arguments);
        // stock attaches interfaces by use_payment_terminal, which other types cannot keep
        for (const pm of this.models["pos.payment.method"].getAll()) {
            if (pm.payment_method_type === "member_balance") {
                pm.payment_terminal = new MemberBalancePayment(this, pm);
            }
        }
    },
    isMemberOnline() {
        return !this.data.network.offline;
    },
    /** Why stored value cannot pay this order now (a readable message), or "". */
    async memberBalanceRefusal(order) {
        if (!this.isMemberOnline()) {
            return _t("Stored value needs a connection to the server. Please take cash or card.");
        }
        if (!order.get_partner()?.member_number) {
            return _t("Select a member first.");
        }
        if (order.lines.some((line) => this.memberIsTopupLine(line))) {
            return _t("A top-up cannot be paid with stored value.");
        }
        if (order.get_due() <= 0) {
            return "";
        }
        if (!order.uiState.member) {
            await this.memberRefresh(order);
        }
        if (order.uiState.member && order.uiState.member.balance <= 0) {
            return _t("%s has no stored value.", order.get_partner().name);
        }
        return "";
    },
    /** Push the draft once, so that authorisations belong to a server order. */
    async memberEnsureSynced(order) {
        if (typeof order.id === "number") {
            return true;
        }
        // in UTC, as the server reads it (the final sync dates the order again)
        order.date_order = serializeDateTime(luxon.DateTime.now());
        this.addPendingOrder([order.id]);
        try {
            await this.syncAllOrders({ orders: [order], throw: true });
        } catch (error) {
            this.memberShowError(error);
            return false;
        }
        return typeof order.id === "number";
    },
    /** Balances returned by an authorisation or release, shown at once on the badge. */
    memberUpdateBalances(order, res) {
        if (!order.uiState.member) {
            return;
        }
        const member = { ...order.uiState.member };
        for (const key of BALANCE_KEYS) {
            if (key in res) {
                member[key] = res[key];
            }
        }
        order.uiState.member = member;
    },
});
