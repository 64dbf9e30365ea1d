/**
 * @module endpoints/admin-guard
 * `admin-token`: every common endpoint except health-check requires `Authorization: Bearer <token>`,
 * compared in constant time (SPEC §2, §7). The check belongs to the routes it protects: the guarded
 * group carries it as hooks, so whatever spelling of a path the router takes to one of its routes
 * (trailing slash, encoded characters, a Host that moves Elysia's path start), the route asks for the
 * token. Nothing compares path strings.
 */
import { Elysia } from "elysia";
import { unauthorized } from "../http/errors";
import { safeEqual } from "../wechat/signature";

/** Whether the Authorization header carries the admin token; always true when none is configured. */
export function hasAdminToken(adminToken: string | null, authorization: string | null): boolean {
  if (!adminToken) return true;
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  return match !== null && safeEqual(match[1]!.trim(), adminToken);
}

/** Stands in for the body of an unauthorised request, so that no parser reads it. */
const UNREAD = Symbol("body of an unauthorised request, not read");

/**
 * An empty route group whose routes — its own and those of every plugin it `use`s afterwards —
 * require the admin token (no hook at all when none is set). The token is checked at `transform`,
 * before query, params and body are validated, so a request without it gets 401 even when its
 * parameters are also wrong; body parsing comes earlier still, so the parse hook stands in for the
 * body of an unauthorised request and the body is never read.
 */
export function adminGuardedGroup(adminToken: string | null, name: string) {
  const group = new Elysia({ name });
  if (!adminToken) return group;
  const authorised = (request: Request) => hasAdminToken(adminToken, request.headers.get("authorization"));
  return group
    .onParse(({ request }) => (authorised(request) ? undefined : UNREAD))
    .onTransform(({ request }) => {
      if (!authorised(request)) throw unauthorized("missing or wrong admin token");
    });
}
