import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { RPCError } from "@web/core/network/rpc";
import { usePos } from "@point_of_sale/app/store/pos_hook";

/** Enrol a customer at the till; the server's refusal stays inline and the popup stays open. */
export class MemberEnrolPopup extends Component {
    static template = "member_loyalty.MemberEnrolPopup";
    static components = { Dialog };
    static props = { getPayload: Function, close: Function };

    setup() {
        this.pos = usePos();
        this.state = useState({
            name: "",
            phone: "",
            birthday: "",
            consent_sms: false,
            consent_email: false,
            error: "",
            busy: false,
        });
    }
    async confirm() {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        const vals = {
            name: this.state.name,
            phone: this.state.phone,
            consent_sms: this.state.consent_sms,
            consent_email: this.state.consent_email,
        };
        if (this.state.birthday) {
            vals.birthday = this.state.birthday;
        }
        try {
            const info = await this.pos.data.call("res.partner", "member_pos_enroll", [
                vals,
                this.pos.config.id,
            ]);
            this.props.getPayload(info.id);
            this.props.close();
        } catch (error) {
            if (error instanceof RPCError) {
                this.state.error = error.data.message;
            } else {
                this.pos.memberShowError(error);
            }
        } finally {
            this.state.busy = false;
        }
    }
}
