import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as NumberPopup from "@point_of_sale/../tests/tours/utils/number_popup_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";

export function clickMemberButton() {
    return [{ content: "open the member search", trigger: ".o_member_button", run: "click" }];
}
export function identify(query) {
    return [
        ...clickMemberButton(),
        {
            content: `type '${query}'`,
            trigger: ".modal:not(.o_inactive_modal) textarea",
            run: `edit ${query}`,
        },
        {
            content: "search",
            trigger: ".modal:not(.o_inactive_modal) .modal-footer .btn-primary",
            run: "click",
        },
    ];
}
export function scanMember(code) {
    return scan_barcode(code);
}
export function badgeIs({ name, tier, points, wallet }) {
    const steps = [];
    if (name) {
        steps.push({ trigger: `.o_member_badge .o_member_badge_name:contains("${name}")` });
    }
    if (tier) {
        steps.push({ trigger: `.o_member_badge .o_member_badge_tier:contains("${tier}")` });
    }
    if (points !== undefined) {
        steps.push({ trigger: `.o_member_badge .o_member_badge_points:contains("${points}")` });
    }
    if (wallet) {
        steps.push({ trigger: `.o_member_badge .o_member_badge_wallet:contains("${wallet}")` });
    }
    return steps.map((step) => ({ content: "check the member badge", ...step }));
}
export function estimateIs(points) {
    return [
        {
            content: `estimate is +${points}`,
            trigger: `.o_member_badge .o_member_badge_estimate:contains("+${points} points")`,
        },
    ];
}
export function expiringIs(points) {
    return [
        {
            content: `${points} points expiring`,
            trigger: `.o_member_badge .o_member_badge_expiring:contains("${points} points expire")`,
        },
    ];
}
export function fillEnrol({ name, phone, birthday }) {
    const steps = [];
    if (name !== undefined) {
        steps.push({ trigger: ".o_member_enrol_name", run: `edit ${name}` });
    }
    if (phone !== undefined) {
        steps.push({ trigger: ".o_member_enrol_phone", run: `edit ${phone}` });
    }
    if (birthday) {
        steps.push({
            trigger: ".o_member_enrol_birthday",
            run: () => {
                const input = document.querySelector(".o_member_enrol_birthday");
                input.value = birthday;
                input.dispatchEvent(new Event("input", { bubbles: true }));
            },
        });
    }
    return steps.map((step) => ({ content: "fill the enrolment", ...step }));
}
export function clickEnrol() {
    return [{ content: "confirm enrolment", trigger: ".o_member_enrol_confirm", run: "click" }];
}
export function enrolErrorContains(text) {
    return [
        {
            content: `enrolment refused: ${text}`,
            trigger: `.modal .o_member_enrol_error:contains("${text}")`,
        },
    ];
}
export function receiptHas(selector, text) {
    return [
        {
            content: `receipt shows ${text}`,
            trigger: `.receipt-screen .o_member_receipt ${selector}:contains("${text}")`,
        },
    ];
}
export function paymentLineStatusIs(name, status) {
    return [
        {
            content: `${name} payment line: ${status}`,
            trigger: `.paymentlines .paymentline.selected .payment-name:contains("${name}")`,
        },
        {
            content: `${name} payment line: ${status}`,
            trigger: `.paymentlines .electronic_payment .electronic_status:contains("${status}")`,
        },
    ];
}
export function reversePayment() {
    return [
        {
            content: "reverse the member balance payment",
            trigger: ".paymentlines .send_payment_reversal",
            run: "click",
        },
    ];
}
export function goOffline() {
    return [
        {
            content: "the till loses its connection",
            trigger: "body",
            run: () => {
                window.posmodel.data.network.offline = true;
            },
        },
    ];
}
export function goOnline() {
    return [
        {
            content: "the till reconnects",
            trigger: "body",
            run: () => {
                window.posmodel.data.network.offline = false;
            },
        },
    ];
}
export function dialogBodyContains(text) {
    return [
        {
            content: `popup says ${text}`,
            trigger: `.modal:not(.o_inactive_modal) .modal-body:contains("${text}")`,
        },
    ];
}
export function redeem(points) {
    return [
        { content: "redeem points", trigger: ".o_member_badge .o_member_redeem", run: "click" },
        ...NumberPopup.enterValue(points),
        ...NumberPopup.isShown(points),
        Dialog.confirm(),
    ];
}
export function topUp(amount) {
    return [
        { content: "top up", trigger: ".o_member_badge .o_member_topup", run: "click" },
        ...NumberPopup.enterValue(amount),
        ...NumberPopup.isShown(amount),
        Dialog.confirm(),
    ];
}
export function pushCurrentOrderInBackground() {
    return [
        {
            content: "the current order is pushed as paid by a background sync",
            trigger: "body",
            run: () => {
                const pos = window.posmodel;
                const order = pos.get_order();
                order.state = "paid";
                pos.addPendingOrder([order.id]);
                // not awaited, as stock's background syncs
                pos.syncAllOrders();
            },
        },
    ];
}
