import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import * as Member from "@member_loyalty/../tests/tours/utils/member_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("MemberCashRefundSyncErrorTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // a sale of 80 paid with stored value
            Member.identify("M900000001"),
            ProductScreen.addOrderline("Member Rice", "1"),
            ProductScreen.clickPayButton(),
            // fully paid by an authorised payment: the order validates itself
            PaymentScreen.clickPaymentMethod("Member Balance"),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
            // its refund paid out in cash is refused at the till
            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("-0001"),
            ProductScreen.clickNumpad("1"),
            TicketScreen.toRefundTextContains("To Refund: 1.00"),
            TicketScreen.confirmRefund(),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            Member.dialogBodyContains("give it back with the member balance method"),
            Dialog.confirm(),
            // a till that skipped that check (older client) pushes it in the background: the
            // server refuses it and the cashier reads why (stock would swallow the error)
            Member.pushCurrentOrderInBackground(),
            Member.dialogBodyContains("goes back to the member's stored value"),
            Dialog.confirm(),
        ].flat(),
});
