/**
 * @module config/rules
 * Cross-field rules the schema cannot express (SPEC §2): unique names and paths, URLs, the aes-key shape.
 */

import { apiProxyProblem } from "./api-proxy";
import { ConfigError } from "./config-error";
import { maskUrl } from "./mask";
import { opsProblem, statusDataPath } from "./ops";
import { DEFAULTS } from "./resolve";
import type { RawConfig, RawService } from "./schema";
import { COMMON_ENDPOINT_KEYS } from "./schema";

const AES_KEY = /^[A-Za-z0-9+/]{43}$/;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.host !== "";
  } catch {
    return false;
  }
}

function isRedisUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "redis:" || u.protocol === "rediss:") && u.hostname !== "" && /^(\/\d*)?$/.test(u.pathname);
  } catch {
    return false;
  }
}

/**
 * What each push surface needs (SPEC §8): a WeCom app is always encrypted and answers for one corp-id,
 * and its Secret belongs to one agent;
 * neither a Mini Program nor a WeCom app has an OAuth2 redirect.
 */
function checkKind(svc: RawService, at: string): void {
  const kind = svc.kind;
  if (kind === undefined) return;
  if (svc["is-channels-ec"] && kind !== "channels-ec") throw new ConfigError(`${at}.kind`, `is-channels-ec is true but kind is "${kind}"`);
  if (kind === "wecom") {
    if (!svc["wx-params"]["aes-key"]) throw new ConfigError(`${at}.wx-params.aes-key`, "required for kind wecom (WeCom callbacks are always encrypted)");
    if (!svc["wx-params"]["corp-id"])
      throw new ConfigError(`${at}.wx-params.corp-id`, "required for kind wecom (the corp-id every message is checked against)");
    // an app's Secret gets that app's token, kept per corp-id and agent-id; message/send names the agent too
    if (svc["wx-params"]["app-secret"] && svc["wx-params"]["agent-id"] === undefined) {
      throw new ConfigError(`${at}.wx-params.agent-id`, "required with app-secret for kind wecom (tokens and message/send are per app)");
    }
  }
  if (kind === "wecom" || kind === "mini-program") {
    const oauth = svc["listen-endpoints"]["redirect-path"] ? "listen-endpoints.redirect-path" : svc["redirect-url"] ? "redirect-url" : null;
    if (oauth) throw new ConfigError(`${at}.${oauth}`, `a ${kind} service has no OAuth2 redirect`);
  }
}

/** Throws a ConfigError naming the first broken rule. */
export function checkRules(raw: RawConfig): void {
  const names = new Map<string, number>();
  const paths = new Map<string, string>(); // path -> where it is configured
  const claim = (path: string | null | undefined, where: string) => {
    if (!path) return;
    const prev = paths.get(path);
    if (prev) throw new ConfigError(where, `path "${path}" is already used by ${prev}`);
    paths.set(path, where);
  };

  raw.services.forEach((svc, i) => {
    const at = `services[${i}]`;
    const prev = names.get(svc.name);
    if (prev !== undefined) throw new ConfigError(`${at}.name`, `duplicate service name "${svc.name}" (also services[${prev}])`);
    names.set(svc.name, i);

    const aes = svc["wx-params"]["aes-key"];
    if (aes && !AES_KEY.test(aes)) {
      throw new ConfigError(`${at}.wx-params.aes-key`, "expected 43 base64 characters (EncodingAESKey), or empty/null for plaintext");
    }
    checkKind(svc, at);
    const proxy = svc["msg-proxy-pass"];
    if (proxy && !isHttpUrl(proxy)) throw new ConfigError(`${at}.msg-proxy-pass`, `expected an http(s) URL, got "${maskUrl(proxy)}"`);
    const redirectUrl = svc["redirect-url"];
    const redirectPath = svc["listen-endpoints"]["redirect-path"];
    if (redirectUrl) {
      if (!isHttpUrl(redirectUrl)) throw new ConfigError(`${at}.redirect-url`, `expected an http(s) URL, got "${maskUrl(redirectUrl)}"`);
      if (!redirectPath) throw new ConfigError(`${at}.redirect-url`, "redirect-url needs listen-endpoints.redirect-path");
    }
    claim(svc["listen-endpoints"]["service-path"], `${at}.listen-endpoints.service-path`);
    claim(redirectPath, `${at}.listen-endpoints.redirect-path`);
  });

  const store = raw["token-store"];
  if (store?.type === "redis" && !isRedisUrl(store.url)) {
    throw new ConfigError("token-store.url", `expected a redis URL redis[s]://[user:password@]host[:port][/db], got "${maskUrl(store.url)}"`);
  }

  const common = raw["common-endpoints"] ?? {};
  for (const key of COMMON_ENDPOINT_KEYS) claim(common[key], `common-endpoints.${key}`);
  // the status page's JSON lives beside it
  if (common.status) claim(statusDataPath(common.status), "common-endpoints.status (its data, <status>/data)");

  // the wx-api pass-through owns a whole prefix: nothing else may live below it
  const prefix = common["wx-api"];
  if (prefix) {
    for (const [path, where] of paths) {
      if (where !== "common-endpoints.wx-api" && path.startsWith(`${prefix.replace(/\/$/, "")}/`)) {
        throw new ConfigError(where, `path "${path}" lies under the wx-api prefix "${prefix}"`);
      }
    }
  }

  const proxyProblem = apiProxyProblem(raw, raw["listen-port"] ?? DEFAULTS.listenPort);
  if (proxyProblem) throw new ConfigError("api-proxy.listen", proxyProblem);
  const ops = opsProblem(raw, raw["listen-port"] ?? DEFAULTS.listenPort);
  if (ops) throw new ConfigError(ops[0], ops[1]);
}
