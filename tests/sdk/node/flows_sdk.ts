/*
 * The TypeScript SDK's initialisation, typed against its declarations: a DataCenter subclass naming zcrm's URLs
 * (or, with ARGS_JSON {"proxy": {"host", "port"}}, the ready-made USDataCenter.PRODUCTION() reached through the
 * SDK's RequestProxy), an OAuthBuilder token from the server's refresh token and a FileStore in WORK_DIR; then
 * common.cjs's flows.
 */
import * as ZOHOCRMSDK from "@zohocrm/typescript-sdk-8.0";
import * as path from "path";

const common = require("../common.cjs");

interface Credentials {
  base_url: string;
  accounts_url: string;
  client_id: string;
  client_secret: string;
  refresh_token: string;
  access_token: string;
}

interface Report {
  args: { proxy?: { host: string; port: number } };
}

/** zcrm as a Zoho data centre: its API and accounts URLs from credentials.json. */
function zcrmEnvironment(creds: Credentials): ZOHOCRMSDK.Environment {
  class ZcrmDataCenter extends ZOHOCRMSDK.DataCenter {
    static PRODUCTION(): ZOHOCRMSDK.Environment {
      const dc = new ZcrmDataCenter();
      return ZOHOCRMSDK.DataCenter.setEnvironment(creds.base_url, dc.getIAMUrl(), dc.getFileUploadUrl());
    }
    getIAMUrl(): string {
      return creds.accounts_url;
    }
    getFileUploadUrl(): string {
      return creds.base_url;
    }
  }
  return ZcrmDataCenter.PRODUCTION();
}

async function initialize(creds: Credentials, result: Report, work: string): Promise<void> {
  const proxy = result.args.proxy;
  const environment: ZOHOCRMSDK.Environment = proxy
    ? ZOHOCRMSDK.USDataCenter.PRODUCTION()
    : zcrmEnvironment(creds);
  // The SDK sends its token refresh without the RequestProxy (OAuthToken.getResponse calls got with no agent): through
  // the proxy, the process's global agent (global-agent, preloaded by the test) takes it there
  // (docs/official-sdks-node.md).
  const token = new ZOHOCRMSDK.OAuthBuilder()
    .clientId(creds.client_id)
    .clientSecret(creds.client_secret)
    .refreshToken(creds.refresh_token)
    .build();
  const sdkConfig: ZOHOCRMSDK.SDKConfig = new ZOHOCRMSDK.SDKConfigBuilder()
    .pickListValidation(true)
    .autoRefreshFields(false)
    .build();
  const logger = new ZOHOCRMSDK.LogBuilder()
    .level(ZOHOCRMSDK.Levels.INFO)
    .filePath(path.join(work, "sdk.log"))
    .build();
  const builder: ZOHOCRMSDK.InitializeBuilder = (await new ZOHOCRMSDK.InitializeBuilder())
    .environment(environment)
    .token(token)
    .store(new ZOHOCRMSDK.FileStore(path.join(work, "tokens.txt")))
    .SDKConfig(sdkConfig)
    .resourcePath(work)
    .logger(logger);
  if (proxy) {
    const requestProxy: ZOHOCRMSDK.RequestProxy = new ZOHOCRMSDK.ProxyBuilder()
      .host(proxy.host)
      .port(proxy.port)
      .build();
    builder.requestProxy(requestProxy);
  }
  await builder.initialize();
}

export async function scenario(
  creds: Credentials,
  result: Report,
  mark: (step: string) => void,
  work: string,
): Promise<void> {
  mark("initialize");
  await initialize(creds, result, work);
  await common.runFlows(ZOHOCRMSDK, result, mark);
}
