import { ProductScreen } from "@point_of_sale/app/screens/product_screen/product_screen";
import { useBarcodeReader } from "@point_of_sale/app/barcode/barcode_reader_hook";
import { patch } from "@web/core/utils/patch";

patch(ProductScreen.prototype, {
    setup() {
        super.setup(...arguments);
        useBarcodeReader({ member: this._barcodeMemberAction });
    },
    async _barcodeMemberAction(code) {
        const found = await this.pos.memberIdentify(code.code, { offerEnrol: false });
        if (!found) {
            this.barcodeReader.showNotFoundNotification(code);
        }
    },
});
