/**
 * @module endpoints/admin-guard
 * `admin-token`: every common endpoint except health-check requires `Authorization: Bearer <token>`,
 * compared in constant time (SPEC §2, §7).
 */
import { unauthorized } from "../http/errors";
import { safeEqual } from "../wechat/signature";

/** Throws 401 unless the request carries the admin token; a no-op when no token is configured. */
export function checkAdminToken(adminToken: string | null, authorization: string | null): void {
  if (!adminToken) return;
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (!match || !safeEqual(match[1]!.trim(), adminToken)) throw unauthorized("missing or wrong admin token");
}

/**
 * The admin check as a request hook, run before routing and body parsing so that a request without
 * the token gets 401 even when its parameters are also wrong. Null when no admin token is set.
 */
export function adminGuardHook(adminToken: string | null, guardedPaths: readonly string[], guardedPrefix: string | undefined) {
  if (!adminToken) return null;
  const exact = new Set(guardedPaths);
  const prefix = guardedPrefix ? `${guardedPrefix}/` : null;
  return ({ request }: { request: Request }): void => {
    const url = request.url;
    const start = url.indexOf("/", url.indexOf("//") + 2);
    const end = url.indexOf("?", start);
    const path = end < 0 ? url.slice(start) : url.slice(start, end);
    if (exact.has(path) || (prefix !== null && (path.startsWith(prefix) || path === guardedPrefix))) {
      checkAdminToken(adminToken, request.headers.get("authorization"));
    }
  };
}
