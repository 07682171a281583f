import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PartnerList from "@point_of_sale/../tests/tours/utils/partner_list_util";
import * as Member from "@member_loyalty/../tests/tours/utils/member_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("MemberIdentifyTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Member Rice", "1"),
            // phone typed in another common format
            Member.identify("+86 138-0013-8001"),
            Member.badgeIs({ name: "Zhang Wei", tier: "Gold", points: "1200" }),
            Member.badgeIs({ wallet: "100.00" }),
            Member.expiringIs(300),
            // member price through the tier pricelist
            ProductScreen.selectedOrderlineHas("Member Rice", "1", "80.00"),
            // a second order: the card is scanned
            Chrome.createFloatingOrder(),
            ProductScreen.addOrderline("Member Rice", "1"),
            Member.scanMember("M900000001"),
            Member.badgeIs({ name: "Zhang Wei", tier: "Gold" }),
            ProductScreen.selectedOrderlineHas("Member Rice", "1", "80.00"),
            // by member number too
            Chrome.createFloatingOrder(),
            ProductScreen.addOrderline("Member Rice", "1"),
            Member.identify("M900000001"),
            Member.badgeIs({ name: "Zhang Wei", points: "1200" }),
            // picked from the stock customer list: the snapshot is fetched as well
            Chrome.createFloatingOrder(),
            ProductScreen.addOrderline("Member Rice", "1"),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("Zhang Wei"),
            Member.badgeIs({ name: "Zhang Wei", points: "1200" }),
            ProductScreen.selectedOrderlineHas("Member Rice", "1", "80.00"),
        ].flat(),
});

registry.category("web_tour.tours").add("MemberPartnerListTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Member Rice", "1"),
            // the member is not preloaded: "Search more" finds it by member number
            ProductScreen.clickPartnerButton(),
            PartnerList.searchCustomerValue("M900000001"),
            ProductScreen.clickCustomer("Zhang Wei"),
            Member.badgeIs({ name: "Zhang Wei", points: "1200" }),
            ProductScreen.selectedOrderlineHas("Member Rice", "1", "80.00"),
        ].flat(),
});
