import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import * as Member from "@member_loyalty/../tests/tours/utils/member_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("MemberRedeemTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            Member.identify("M900000001"),
            Member.badgeIs({ name: "Zhang Wei", points: "1200" }),
            ProductScreen.addOrderline("Member Rice", "2"),
            // 500 points at 1000 = 40: a discount line of 20
            Member.redeem("500"),
            ProductScreen.selectedOrderlineHas("Points redeemed: 500", "1", "-20.00"),
            Member.badgeIs({ points: "700" }),
            ProductScreen.totalAmountIs("140.00"),
            // Gold x2 on the 140 paid outside points
            Member.estimateIs(280),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Member.receiptHas(".o_member_receipt_earned", "280"),
            Member.receiptHas(".o_member_receipt_points", "980"),
        ].flat(),
});

registry.category("web_tour.tours").add("MemberRedeemRemoveTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            Member.identify("M900000001"),
            ProductScreen.addOrderline("Member Rice", "1"),
            Member.redeem("1000"),
            ProductScreen.selectedOrderlineHas("Points redeemed: 1000", "1", "-40.00"),
            Member.badgeIs({ points: "200" }),
            // the line is locked: a quantity key is refused
            ProductScreen.clickNumpad("2"),
            Member.dialogBodyContains("Remove the redemption line"),
            Dialog.confirm(),
            // removing it gives the points back
            ProductScreen.clickNumpad("⌫"),
            Dialog.confirm(),
            Member.badgeIs({ points: "1200" }),
            ProductScreen.totalAmountIs("80.00"),
        ].flat(),
});

registry.category("web_tour.tours").add("MemberRedeemRefundTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // 2 x 80, 500 points redeemed (= 20), 140 by bank
            Member.identify("M900000001"),
            ProductScreen.addOrderline("Member Rice", "2"),
            Member.redeem("500"),
            ProductScreen.totalAmountIs("140.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
            // one rice of two back: half of the redemption line comes with it
            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("-0001"),
            ProductScreen.clickNumpad("1"),
            TicketScreen.toRefundTextContains("To Refund: 1.00"),
            TicketScreen.confirmRefund(),
            ProductScreen.orderLineHas("Points Redemption", "-0.50", "10.00"),
            ProductScreen.totalAmountIs("-70.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
        ].flat(),
});

registry.category("web_tour.tours").add("MemberRedeemTaxSplitTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            Member.identify("M900000001"),
            // 110 with 10% tax and 120 with 20% tax
            ProductScreen.addOrderline("Member Tea", "1"),
            ProductScreen.addOrderline("Member Wine", "1"),
            ProductScreen.totalAmountIs("230.00"),
            // 1000 points (= 40): one discount line per tax, in proportion (478 + 522 points)
            Member.redeem("1000"),
            ProductScreen.orderLineHas("Points redeemed: 478", "1", "-19.12"),
            ProductScreen.orderLineHas("Points redeemed: 522", "1", "-20.88"),
            ProductScreen.totalAmountIs("190.00"),
            Member.badgeIs({ points: "200" }),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
        ].flat(),
});
