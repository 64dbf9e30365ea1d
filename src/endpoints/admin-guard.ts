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
