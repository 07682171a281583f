/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import { registry } from "@web/core/registry";

/**
 * Wait until the hardware proxy reports a printed job: the browser closes when the tour ends,
 * and the print call may still be on its way.
 */
async function waitForPrintedJob() {
    // the address POS connected to (tour files load in the backend test bundle too, so they
    // import nothing from the POS bundle itself)
    const url = window.posmodel.hardwareProxy.host;
    let printer = {};
    for (let attempt = 0; attempt < 125; attempt++) {
        const response = await fetch(`${url}/hw_proxy/status_json`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "call", params: {} }),
        });
        const { result } = await response.json();
        printer = result.printer;
        const jobs = printer.recent_jobs;
        if (jobs.some((job) => job.kind === "receipt" && job.state === "done")) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the hardware proxy did not print the receipt: ${JSON.stringify(printer)}`);
}

registry.category("web_tour.tours").add("PosHardwareProxyPrintTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Desk Pad", "1"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            // printed automatically, so the receipt screen is skipped to the next order
            ProductScreen.isShown(),
            {
                content: "the hardware proxy printed the receipt",
                trigger: ".product-screen",
                // rendering the receipt to an image takes a while on a busy machine
                timeout: 30000,
                run: waitForPrintedJob,
            },
        ].flat(),
});
