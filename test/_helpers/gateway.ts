/**
 * @module test/_helpers/gateway
 * Runs the real app in-process on a real socket (port 0), with a collecting logger.
 */

import type { AppDeps } from "../../src/app";
import { createApp } from "../../src/app";
import type { LoadedConfig } from "../../src/config/load";
import type { GatewayConfig } from "../../src/config/types";
import { createGateway, type Gateway } from "../../src/gateway";
import { createMemoryLogger, type Logger } from "../../src/obs/log";
import { createMetrics } from "../../src/obs/metrics";
import { createMemoryKvStore } from "../../src/store/kv";
import { createMemoryTokenStore } from "../../src/store/memory-store";
import type { Clock } from "../../src/util/clock";
import { createWxApi } from "../../src/wxapi/client";
import { createOAuthExchanger } from "../../src/wxapi/oauth2";

export interface TestGateway {
  readonly url: string;
  readonly logs: () => string[];
  readonly metrics: ReturnType<typeof createMetrics>;
  /** in-process call without a socket */
  handle(req: Request): Promise<Response>;
  stop(): void;
  [Symbol.dispose](): void;
}

/** What a bare app's WeChat endpoints and OAuth2 redirects call through: memory stores, WeChat at `wx-api-base`. */
function memoryWechat(config: GatewayConfig, log: Logger): AppDeps["wechat"] {
  const api = createWxApi({ config, store: createMemoryTokenStore(), log });
  const kv = createMemoryKvStore();
  return { api, kv, oauth: createOAuthExchanger({ api, kv, log }) };
}

export function startGateway(config: GatewayConfig, deps: Partial<AppDeps> = {}): TestGateway {
  const { log, lines } = createMemoryLogger();
  const metrics = createMetrics({ processMetrics: false });
  const { app } = createApp(config, { log, metrics, fetch, now: Date.now, wechat: memoryWechat(config, log), ...deps });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => app.handle(req) });
  return {
    url: `http://127.0.0.1:${server.port}`,
    logs: lines,
    metrics,
    handle: (req) => app.handle(req),
    stop: () => server.stop(true),
    [Symbol.dispose]() {
      server.stop(true);
    },
  };
}

/**
 * The gateway exactly as `serve` builds it (createGateway: stores, WeChat client, userInfo,
 * async-reply, WeChat endpoints), on a real socket. Point `wx-api-base` at a fake WeChat; pass a
 * fake clock (test/_helpers/fake-timers) to move its deadlines, windows and token expiry by hand;
 * `reloadSource` is what a reload reads (serve's loader reads the file). With `admin-listen` the admin
 * listener gets a socket of its own too (`adminUrl`).
 */
export function startWiredGateway(
  config: GatewayConfig,
  opts: { clock?: Clock; reloadSource?: () => LoadedConfig } = {},
): TestGateway & { readonly gateway: Gateway; readonly adminUrl: string } {
  const { log, lines } = createMemoryLogger();
  const metrics = createMetrics({ processMetrics: false });
  const gateway = createGateway(config, { log, metrics, clock: opts.clock, reloadSource: opts.reloadSource });
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: gateway.handle });
  const admin = config.adminListen ? Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: gateway.handleAdmin }) : null;
  const stop = () => {
    server.stop(true);
    admin?.stop(true);
  };
  return {
    gateway,
    url: `http://127.0.0.1:${server.port}`,
    adminUrl: admin ? `http://127.0.0.1:${admin.port}` : "",
    logs: lines,
    metrics,
    handle: gateway.handle,
    stop,
    [Symbol.dispose]: stop,
  };
}
