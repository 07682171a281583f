import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as Member from "@member_loyalty/../tests/tours/utils/member_util";
import { registry } from "@web/core/registry";

/**
 * The same member at a till of another company of the chain: identify, member price of that
 * company's tier pricelist, redeem 500 points (= 20), pay 100 with stored value and the rest
 * by bank; the receipt shows what the server booked.
 */
function companyTourSteps({ start, total, due, earned, points }) {
    return [
        Chrome.startPoS(),
        Dialog.confirm("Open Register"),
        Member.identify("M900000001"),
        Member.badgeIs({ name: "Zhang Wei", points: start, wallet: "100.00" }),
        ProductScreen.addOrderline("Member Rice", "2"),
        ProductScreen.selectedOrderlineHas("Member Rice", "2", total),
        Member.redeem("500"),
        ProductScreen.selectedOrderlineHas("Points redeemed: 500", "1", "-20.00"),
        ProductScreen.totalAmountIs(due),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Member Balance"),
        Member.paymentLineStatusIs("Member Balance", "Payment Successful"),
        PaymentScreen.selectedPaymentlineHas("Member Balance", "100.00"),
        PaymentScreen.clickPaymentMethod("Bank"),
        PaymentScreen.remainingIs("0.00"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
        Member.receiptHas(".o_member_receipt_earned", earned),
        Member.receiptHas(".o_member_receipt_points", points),
        Member.receiptHas(".o_member_receipt_wallet", "0.00"),
    ].flat();
}

registry.category("web_tour.tours").add("MemberBranchTour", {
    // branch prices: the tier's shared pricelist (80); earns 40 paid by bank x 2 (Gold)
    steps: () =>
        companyTourSteps({
            start: "1200",
            total: "160.00",
            due: "140.00",
            earned: "80",
            points: "780",
        }),
});

registry.category("web_tour.tours").add("MemberFranchiseTour", {
    // franchise prices: the tier's pricelist of the franchise company (70)
    steps: () =>
        companyTourSteps({
            start: "780",
            total: "140.00",
            due: "120.00",
            earned: "40",
            points: "320",
        }),
});
