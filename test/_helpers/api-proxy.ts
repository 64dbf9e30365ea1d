/**
 * @module test/_helpers/api-proxy
 * A gateway built as `serve` builds it (createGateway) with its API proxy listening on 127.0.0.1:0,
 * pointed at a fake WeChat; a collecting logger at trace level so tests can check that no line
 * carries a token, a proxy token or a secret.
 *
 *   using wechat = startFakeWechat({ apps: { [APP_ID]: SECRET } });
 *   using proxy = startProxyGateway(proxyConfig(wechat.url));
 *   await fetch(`${proxy.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${SECRET}`);
 */
import { startApiProxyServer } from "../../src/api-proxy/server";
import type { GatewayConfig } from "../../src/config/types";
import { createGateway, type Gateway } from "../../src/gateway";
import { createMemoryLogger } from "../../src/obs/log";
import { createMetrics, type Metrics } from "../../src/obs/metrics";
import type { Clock } from "../../src/util/clock";
import { APP_ID, makeConfig } from "./config";

export { APP_ID };
/** the app-secret of rawService's services */
export const SECRET = "secret_value";

type Raw = Record<string, unknown>;

/** A config with one service (APP_ID/SECRET), WeChat at `wechatUrl` and the API proxy on a free port. */
export function proxyConfig(wechatUrl: string, top: Raw = {}, service: Raw = {}): GatewayConfig {
  return makeConfig(service, { "wx-api-base": wechatUrl, "api-proxy": { listen: "127.0.0.1:0" }, ...top });
}

export interface ProxyGateway {
  /** the proxy listener's origin: an SDK's API base URL */
  readonly url: string;
  readonly port: number;
  readonly gateway: Gateway;
  readonly metrics: Metrics;
  /** every log line so far (trace level) */
  logs(): string[];
  stop(): void;
  [Symbol.dispose](): void;
}

export function startProxyGateway(config: GatewayConfig, opts: { clock?: Clock } = {}): ProxyGateway {
  const { log, lines } = createMemoryLogger("trace");
  const metrics = createMetrics({ processMetrics: false });
  const gateway = createGateway(config, { log, metrics, clock: opts.clock });
  if (!gateway.apiProxy) throw new Error("the config has no api-proxy");
  const server = startApiProxyServer(gateway.apiProxy, { host: "127.0.0.1", port: 0 });
  const stop = () => {
    void server.stop(true);
    void gateway.close();
  };
  const port = server.port as number;
  return { url: `http://127.0.0.1:${port}`, port, gateway, metrics, logs: lines, stop, [Symbol.dispose]: stop };
}

/** The query of a classic token request. */
export const tokenQuery = (appId = APP_ID, secret = SECRET) => `grant_type=client_credential&appid=${appId}&secret=${secret}`;

/** A proxy token from `proxy` for APP_ID (the classic token API). */
export async function proxyTokenOf(proxy: Pick<ProxyGateway, "url">): Promise<string> {
  const res = await fetch(`${proxy.url}/cgi-bin/token?${tokenQuery()}`);
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The counters of a metric as `{labels → value}` lines, e.g. `path="/cgi-bin/user/info",errcode="0" 2`. */
export async function counterLines(metrics: Metrics, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split("\n").filter((l) => l.startsWith(`${name}{`));
}
