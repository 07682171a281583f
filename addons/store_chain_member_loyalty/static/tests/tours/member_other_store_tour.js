import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as Member from "@member_loyalty/../tests/tours/utils/member_util";
import { registry } from "@web/core/registry";

// a cashier of store B serves a member whose home store is A: found, with tier and balance
registry.category("web_tour.tours").add("ChainMemberOtherStoreTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Chain Rice", "1"),
            Member.identify("+86 138-0013-8100"),
            Member.badgeIs({ name: "Han Meimei", tier: "Basic", wallet: "100.00" }),
        ].flat(),
});
