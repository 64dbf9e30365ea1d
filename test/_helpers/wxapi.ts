/**
 * @module test/_helpers/wxapi
 * A WeChat client wired to a fake WeChat: the config's service, a chosen token store, a collecting
 * logger and an optional fake clock (`clock`, test/_helpers/fake-timers), so token tests read as what they check.
 */

import type { GatewayConfig, ServiceConfig } from "../../src/config/types";
import { createMemoryLogger } from "../../src/obs/log";
import { createMemoryTokenStore } from "../../src/store/memory-store";
import type { TokenStore } from "../../src/store/token-store";
import { createWxApi, type WxApi, type WxApiDeps } from "../../src/wxapi/client";
import { makeConfig } from "./config";
import type { FakeWechat } from "./fake-wechat";

export const SECRET = "secret_value";

export interface TestWxApi {
  readonly api: WxApi;
  readonly config: GatewayConfig;
  readonly svc: ServiceConfig;
  readonly store: TokenStore;
  readonly logs: () => string[];
}

export interface TestWxApiOptions extends Partial<Omit<WxApiDeps, "config" | "log">> {
  readonly tokenApi?: "stable" | "classic";
}

export function makeWxApi(fake: FakeWechat, opts: TestWxApiOptions = {}): TestWxApi {
  const config = makeConfig({}, { "wx-api-base": fake.url, "token-api": opts.tokenApi ?? "stable" });
  const { log, lines } = createMemoryLogger("debug");
  const store = opts.store ?? createMemoryTokenStore();
  const api = createWxApi({ ...opts, config, store, log });
  return { api, config, svc: config.services[0]!, store, logs: lines };
}
