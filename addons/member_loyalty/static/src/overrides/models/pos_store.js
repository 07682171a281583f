import { PosStore } from "@point_of_sale/app/store/pos_store";
import { handleRPCError } from "@point_of_sale/app/errors/error_handlers";
import { makeAwaitable, ask } from "@point_of_sale/app/store/make_awaitable_dialog";
import { TextInputPopup } from "@point_of_sale/app/utils/input_popups/text_input_popup";
import { SelectionPopup } from "@point_of_sale/app/utils/input_popups/selection_popup";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { ConnectionLostError, RPCError } from "@web/core/network/rpc";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { MemberEnrolPopup } from "@member_loyalty/app/member_enrol_popup/member_enrol_popup";

patch(PosStore.prototype, {
    /** Show a member RPC failure to the cashier as a readable popup. */
    memberShowError(error) {
        if (error instanceof ConnectionLostError) {
            this.dialog.add(AlertDialog, {
                title: _t("No connection"),
                body: _t(
                    "Member balances and points need a connection to the server. Cash and card still work.",
                ),
            });
        } else if (error instanceof RPCError) {
            handleRPCError(error, this.dialog);
        } else {
            throw error;
        }
    },
    /** Member RPC, never queued: returns null after showing the refusal. */
    async memberCall(model, method, args, kwargs = {}) {
        try {
            return await this.data.call(model, method, args, kwargs);
        } catch (error) {
            this.memberShowError(error);
            return null;
        }
    },
    async memberSearch() {
        const query = await makeAwaitable(this.dialog, TextInputPopup, {
            title: _t("Find a member"),
            placeholder: _t("Phone or member number"),
        });
        if (query && query.trim()) {
            await this.memberIdentify(query.trim());
        }
    },
    async memberIdentify(query, { offerEnrol = true } = {}) {
        const found = await this.memberCall("res.partner", "member_pos_find", [
            query,
            this.config.id,
        ]);
        if (!found) {
            return false;
        }
        let member = found[0];
        if (!found.length) {
            if (!offerEnrol) {
                return false;
            }
            const enrol = await ask(this.dialog, {
                title: _t("No member found"),
                body: _t("No member matches %s. Enrol a new member?", query),
            });
            if (enrol) {
                await this.memberEnrol();
            }
            return false;
        }
        if (found.length > 1) {
            member = await makeAwaitable(this.dialog, SelectionPopup, {
                title: _t("Select the member"),
                list: found.map((m) => ({
                    id: m.id,
                    label: `${m.name} · ${m.member_number} · ${m.phone_masked || ""}`,
                    item: m,
                })),
            });
            if (!member) {
                return false;
            }
        }
        return await this.memberSetPartner(member.id);
    },
    async memberSetPartner(partnerId) {
        const [partner] = await this.data.read("res.partner", [partnerId]);
        const order = this.get_order();
        if (!partner || !order) {
            return false;
        }
        order.set_partner(partner);
        await this.memberRefresh(order);
        return true;
    },
    /** Fresh server snapshot of the order's member (balances are never loaded in bulk). */
    async memberRefresh(order) {
        const partner = order?.get_partner();
        if (!partner?.member_number) {
            if (order) {
                order.uiState.member = null;
            }
            return;
        }
        const info = await this.memberCall("res.partner", "member_pos_info", [
            [partner.id],
            this.config.id,
        ]);
        if (info && order.get_partner()?.id === info.id) {
            order.uiState.member = info;
        }
    },
    async selectPartner() {
        const result = await super.selectPartner(...arguments);
        const order = this.get_order();
        // a member picked from the stock customer list gets its snapshot too
        if (order?.get_partner()?.member_number && !order.uiState.member) {
            await this.memberRefresh(order);
        }
        return result;
    },
    async memberEnrol() {
        const memberId = await makeAwaitable(this.dialog, MemberEnrolPopup, {});
        if (memberId) {
            await this.memberSetPartner(memberId);
        }
    },
});
