/*
 * Drives Zoho's official TypeScript SDK, @zohocrm/typescript-sdk-8.0, against a running `zcrm serve`, as a
 * TypeScript user does: this file and flows_sdk.ts are compiled by tsc (tsconfig.json: the SDK's own type
 * declarations, strict) and the emitted JavaScript runs on node:
 *
 *     node build/flows_driver.js CREDENTIALS_JSON WORK_DIR [ARGS_JSON]
 *
 * This entry point installs the wire log (common.cjs) before anything loads the SDK, then loads flows_sdk.ts, which
 * imports the SDK and runs the flows.
 */
const common = require("../common.cjs");
common.installWireLog(require.resolve("@zohocrm/typescript-sdk-8.0/package.json"));

import("./flows_sdk").then((flows) => common.main(flows.scenario));
