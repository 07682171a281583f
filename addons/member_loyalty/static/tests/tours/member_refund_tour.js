import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import * as Member from "@member_loyalty/../tests/tours/utils/member_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("MemberRefundTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // a sale paid 100 with stored value and 60 by bank; earns 160 x 60/160 x 2 = 120
            Member.identify("M900000001"),
            ProductScreen.addOrderline("Member Rice", "2"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Member Balance"),
            Member.paymentLineStatusIs("Member Balance", "Payment Successful"),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Member.receiptHas(".o_member_receipt_earned", "120"),
            Member.receiptHas(".o_member_receipt_spent", "100.00"),
            ReceiptScreen.clickNextOrder(),
            // refund it all from the refund screen
            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("-0001"),
            ProductScreen.clickNumpad("2"),
            TicketScreen.toRefundTextContains("To Refund: 2.00"),
            TicketScreen.confirmRefund(),
            ProductScreen.clickPayButton(),
            // what stored value paid goes back to the card (at most that), the rest in cash
            PaymentScreen.clickPaymentMethod("Member Balance"),
            Member.paymentLineStatusIs("Member Balance", "Payment Successful"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Member.receiptHas(".o_member_receipt_refunded", "100.00"),
            Member.receiptHas(".o_member_receipt_reversed", "120"),
            Member.receiptHas(".o_member_receipt_wallet", "100.00"),
        ].flat(),
});
