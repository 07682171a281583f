import { OrderSummary } from "@point_of_sale/app/screens/product_screen/order_summary/order_summary";
import { patch } from "@web/core/utils/patch";
import { MemberBadge } from "@member_loyalty/app/member_badge/member_badge";

patch(OrderSummary, {
    components: { ...OrderSummary.components, MemberBadge },
});
