import { PartnerList } from "@point_of_sale/app/screens/partner_list/partner_list";
import { ConnectionLostError, RPCError } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";

const MEMBER_QUERY = /^M\d+$/i;

patch(PartnerList.prototype, {
    getPartners() {
        // a member number finds its member among the loaded partners
        const query = (this.state.query || "").trim().toUpperCase();
        if (MEMBER_QUERY.test(query)) {
            const members = this.pos.models["res.partner"].filter(
                (partner) => partner.member_number === query,
            );
            if (members.length) {
                return members;
            }
        }
        return super.getPartners(...arguments);
    },
    /** "Search more" also asks the server for members (phone in any format, member number). */
    async getNewPartners() {
        const result = await super.getNewPartners(...arguments);
        const query = (this.state.query || "").trim();
        const digits = query.replace(/\D/g, "").length;
        if (!MEMBER_QUERY.test(query) && digits < 6) {
            return result;
        }
        let found = [];
        try {
            found = await this.pos.data.call("res.partner", "member_pos_find", [
                query,
                this.pos.config.id,
            ]);
        } catch (error) {
            if (!(error instanceof ConnectionLostError || error instanceof RPCError)) {
                throw error;
            }
            return result; // the stock search result stays usable
        }
        const known = new Set(result.map((partner) => partner.id));
        const missing = found.map((member) => member.id).filter((id) => !known.has(id));
        if (missing.length) {
            result.push(...(await this.pos.data.read("res.partner", missing)));
        }
        return result;
    },
});
