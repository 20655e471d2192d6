/*
 * Drives Zoho's official Node SDK, @zohocrm/nodejs-sdk-8.0 (ES modules), against a running `zcrm serve`:
 *
 *     node flows_driver.mjs CREDENTIALS_JSON WORK_DIR [ARGS_JSON]
 *
 * run from a directory whose node_modules holds the SDK (tests/sdk/node_envs.py). The SDK is initialised as its
 * README shows: an OAuthBuilder with the server's client id, secret and refresh token, a FileStore in WORK_DIR and
 * an Environment from a DataCenter subclass naming zcrm's URLs; with ARGS_JSON {"proxy": {"host", "port"}} it is
 * instead the ready-made USDataCenter.PRODUCTION() reached through the SDK's RequestProxy (zcrm's proxy mode).
 * The flows and the report (WORK_DIR/result.json) are common.cjs's.
 */
import { createRequire, register } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const common = require("./common.cjs");
common.installWireLog(require.resolve("@zohocrm/nodejs-sdk-8.0/package.json"));
register("./got_hook.mjs", import.meta.url);
const ZOHOCRMSDK = await import("@zohocrm/nodejs-sdk-8.0");

/** zcrm as a Zoho data centre: its API and accounts URLs from credentials.json. */
function zcrmDataCenter(creds) {
  class ZcrmDataCenter extends ZOHOCRMSDK.DataCenter {
    static PRODUCTION() {
      return ZOHOCRMSDK.DataCenter.setEnvironment(creds.base_url, new ZcrmDataCenter().getIAMUrl(), creds.base_url);
    }
    getIAMUrl() {
      return creds.accounts_url;
    }
    getFileUploadUrl() {
      return creds.base_url;
    }
  }
  return ZcrmDataCenter;
}

async function initialize(creds, result, work) {
  const proxy = result.args.proxy;
  const environment = proxy ? ZOHOCRMSDK.USDataCenter.PRODUCTION() : zcrmDataCenter(creds).PRODUCTION();
  // The SDK sends its token refresh without the RequestProxy (OAuthToken.getResponse calls got with no agent): through
  // the proxy, the process's global agent (global-agent, preloaded by the test) takes it there
  // (docs/official-sdks-node.md).
  const token = new ZOHOCRMSDK.OAuthBuilder()
    .clientId(creds.client_id)
    .clientSecret(creds.client_secret)
    .refreshToken(creds.refresh_token)
    .build();
  const builder = (await new ZOHOCRMSDK.InitializeBuilder())
    .environment(environment)
    .token(token)
    .store(new ZOHOCRMSDK.FileStore(path.join(work, "tokens.txt")))
    .SDKConfig(new ZOHOCRMSDK.SDKConfigBuilder().pickListValidation(true).autoRefreshFields(false).build())
    .resourcePath(work)
    .logger(new ZOHOCRMSDK.LogBuilder().level(ZOHOCRMSDK.Levels.INFO).filePath(path.join(work, "sdk.log")).build());
  if (proxy) builder.requestProxy(new ZOHOCRMSDK.ProxyBuilder().host(proxy.host).port(proxy.port).build());
  await builder.initialize();
}

await common.main(async (creds, result, mark, work) => {
  mark("initialize");
  await initialize(creds, result, work);
  await common.runFlows(ZOHOCRMSDK, result, mark);
});
