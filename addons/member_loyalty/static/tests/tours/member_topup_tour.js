import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as Member from "@member_loyalty/../tests/tours/utils/member_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("MemberTopupTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            Member.identify("M900000001"),
            Member.badgeIs({ name: "Zhang Wei", wallet: "100.00" }),
            Member.topUp("500"),
            // the bonus of the rules is shown before confirming
            Member.dialogBodyContains("Bonus:"),
            Member.dialogBodyContains("50.00"),
            Member.dialogBodyContains("650.00"),
            Dialog.confirm(),
            ProductScreen.selectedOrderlineHas("Member Top-up", "1", "500.00"),
            // the amount is locked
            ProductScreen.clickNumpad("2"),
            Member.dialogBodyContains("Remove the top-up line"),
            Dialog.confirm(),
            ProductScreen.clickPayButton(),
            // stored value cannot pay a top-up
            PaymentScreen.clickPaymentMethod("Member Balance"),
            Member.dialogBodyContains("A top-up cannot be paid with stored value"),
            Dialog.confirm(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Member.receiptHas(".o_member_receipt_topup", "500.00"),
            Member.receiptHas(".o_member_receipt_topup", "50.00"),
            Member.receiptHas(".o_member_receipt_wallet", "650.00"),
        ].flat(),
});
