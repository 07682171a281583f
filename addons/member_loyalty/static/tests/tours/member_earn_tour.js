import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as Member from "@member_loyalty/../tests/tours/utils/member_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("MemberEarnReceiptTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // the card is scanned first, on an empty order
            Member.scanMember("M900000001"),
            Member.badgeIs({ name: "Zhang Wei", points: "1200" }),
            ProductScreen.addOrderline("Member Rice", "2"),
            ProductScreen.selectedOrderlineHas("Member Rice", "2", "160.00"),
            // Gold earns x2: 160 x 2
            Member.estimateIs(320),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Member.receiptHas("div", "M900000001"),
            Member.receiptHas(".o_member_receipt_earned", "320"),
            Member.receiptHas(".o_member_receipt_points", "1520"),
            Member.receiptHas(".o_member_receipt_wallet", "100.00"),
        ].flat(),
});
