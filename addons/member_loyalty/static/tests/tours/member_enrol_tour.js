import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as Member from "@member_loyalty/../tests/tours/utils/member_util";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("MemberEnrolTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Member Rice", "1"),
            Member.identify("13900139000"),
            Dialog.confirm(),
            Member.fillEnrol({ name: "Li Na", phone: "12345", birthday: "1990-05-04" }),
            Member.clickEnrol(),
            Member.enrolErrorContains("not a valid phone number"),
            Member.fillEnrol({ phone: "+86 138 0013 8001" }),
            Member.clickEnrol(),
            Member.enrolErrorContains("already belongs to member M900000001"),
            Member.fillEnrol({ phone: "+86 139 0013 9000" }),
            Member.clickEnrol(),
            Member.badgeIs({ name: "Li Na", tier: "Basic", points: "0" }),
        ].flat(),
});
