/**
 * @module api-proxy/accounts
 * Which configured services the API proxy answers token requests for, and the constant-time check
 * of the id and secret an SDK sends. An account is a service with an id and a secret: an Official
 * Account or Mini Program (`app-id` + `app-secret`, upstream `wx-api-base`) or a WeCom app
 * (`corp-id` + its Secret, upstream `wecom-api-base`). Services without a secret (echo-mode
 * samples) get no account: nobody can ask for their token.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ServiceConfig } from "../config/types";

export type AccountKind = "wechat" | "wecom";

export interface ProxyAccount {
  readonly kind: AccountKind;
  /** app-id, or corp-id for WeCom (several WeCom apps of one corp share it) */
  readonly id: string;
  /** the service whose token center entry this account uses */
  readonly svc: ServiceConfig;
  /** origin the account's calls are forwarded to, without trailing slash */
  readonly upstream: string;
}

export interface AccountOrigins {
  readonly wxApiBase: string;
  /**
   * WeCom's API origin (`wecom-api-base`). WeCom apps become accounts only with it: it comes with the
   * token center's WeCom tokens (`gettoken`), which their proxy tokens stand for.
   */
  readonly wecomApiBase?: string;
}

/** One account per service that has an id and a secret, in config order. */
export function proxyAccounts(services: readonly ServiceConfig[], origins: AccountOrigins): ProxyAccount[] {
  const accounts: ProxyAccount[] = [];
  for (const svc of services) {
    if (!svc.appSecret) continue;
    if (svc.kind === "wecom") {
      if (svc.corpId && origins.wecomApiBase) accounts.push({ kind: "wecom", id: svc.corpId, svc, upstream: origins.wecomApiBase });
    } else if (svc.appId) {
      accounts.push({ kind: "wechat", id: svc.appId, svc, upstream: origins.wxApiBase });
    }
  }
  return accounts;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Equal strings, compared in time that depends on neither their contents nor their lengths. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export type AccountCheck = { readonly ok: true; readonly account: ProxyAccount } | { readonly ok: false; readonly reason: "unknown-id" | "wrong-secret" };

/**
 * The account of `kind` whose id and secret match. Every account of that kind is compared, whatever
 * matched first, so the time taken tells nothing about which ids exist or how much of a secret was right.
 */
export function checkCredentials(accounts: readonly ProxyAccount[], kind: AccountKind, id: string, secret: string): AccountCheck {
  let found: ProxyAccount | null = null;
  let idKnown = false;
  for (const account of accounts) {
    if (account.kind !== kind) continue;
    const idMatches = sameSecret(id, account.id);
    const secretMatches = sameSecret(secret, account.svc.appSecret);
    idKnown ||= idMatches;
    if (idMatches && secretMatches && found === null) found = account;
  }
  if (found) return { ok: true, account: found };
  return { ok: false, reason: idKnown ? "wrong-secret" : "unknown-id" };
}
