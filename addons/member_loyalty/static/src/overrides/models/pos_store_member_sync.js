import { PosStore } from "@point_of_sale/app/store/pos_store";
import { handleRPCError } from "@point_of_sale/app/errors/error_handlers";
import { RPCError } from "@web/core/network/rpc";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(PosStore.prototype, {
    /**
     * Stock swallows the errors of background syncs (the order stays pending, the cashier
     * never knows): show them, and the member problems the server flagged on synced orders.
     */
    async syncAllOrders(options = {}) {
        const result = await super.syncAllOrders(...arguments);
        if (result instanceof RPCError && !options.throw) {
            handleRPCError(result, this.dialog);
        }
        this.memberIssuesShown ||= new Set();
        for (const order of Array.isArray(result) ? result : []) {
            if (order.member_sync_issue && !this.memberIssuesShown.has(order.uuid)) {
                this.memberIssuesShown.add(order.uuid);
                this.memberAlert(
                    _t("Member booking problem on %s", order.pos_reference || order.name),
                    order.member_sync_issue,
                );
            }
        }
        return result;
    },
});
