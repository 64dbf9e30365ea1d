/**
 * @module endpoints/admin-guard
 * `admin-token`: every common endpoint except health-check and ready requires `Authorization: Bearer
 * <token>`, compared in constant time (SPEC §2, §7); the status page also takes it as the password of
 * HTTP Basic credentials (SPEC §10), which only its group accepts: a browser sends cached Basic
 * credentials along with any request to the origin, forms posted from another site included, so no
 * route that changes something may take them. The check belongs to the routes it protects: the guarded
 * group carries it as hooks, so whatever spelling of a path the router takes to one of its routes
 * (trailing slash, encoded characters, a Host that moves Elysia's path start), the route asks for the
 * token. Nothing compares path strings.
 */
import { Elysia } from "elysia";
import { unauthorized } from "../http/errors";
import { safeEqual } from "../wechat/signature";

/**
 * Whether the Authorization header carries the admin token; always true when none is configured.
 * With `basic`, an HTTP Basic password (any user name) also counts: a browser can send that.
 */
export function hasAdminToken(adminToken: string | null, authorization: string | null, basic = false): boolean {
  if (!adminToken) return true;
  const match = /^(Bearer|Basic)\s+(.+)$/i.exec(authorization ?? "");
  if (match === null) return false;
  if (match[1]!.toLowerCase() === "bearer") return safeEqual(match[2]!.trim(), adminToken);
  return basic && safeEqual(basicPassword(match[2]!.trim()) ?? "", adminToken);
}

/** The password of Basic credentials (`base64(user:password)`), or null when they are not that. */
function basicPassword(credentials: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credentials)) return null;
  const decoded = Buffer.from(credentials, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/** The challenge that makes a browser ask for the credentials (RFC 7617). */
const BASIC_CHALLENGE = 'Basic realm="wx-gateway admin", charset="UTF-8"';

/** Stands in for the body of an unauthorised request, so that no parser reads it. */
const UNREAD = Symbol("body of an unauthorised request, not read");

/**
 * An empty route group whose routes — its own and those of every plugin it `use`s afterwards —
 * require the admin token (no hook at all when none is set). The token is checked at `transform`,
 * before query, params and body are validated, so a request without it gets 401 even when its
 * parameters are also wrong; body parsing comes earlier still, so the parse hook stands in for the
 * body of an unauthorised request and the body is never read.
 */
export function adminGuardedGroup(adminToken: string | null, name: string, opts: { basic?: boolean } = {}) {
  const group = new Elysia({ name });
  if (!adminToken) return group;
  const basic = opts.basic ?? false;
  const authorised = (request: Request) => hasAdminToken(adminToken, request.headers.get("authorization"), basic);
  return group
    .onParse(({ request }) => (authorised(request) ? undefined : UNREAD))
    .onTransform(({ request, set }) => {
      if (authorised(request)) return;
      if (basic) set.headers["www-authenticate"] = BASIC_CHALLENGE;
      throw unauthorized("missing or wrong admin token");
    });
}
