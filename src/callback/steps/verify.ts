/**
 * @module callback/steps/verify
 * The verify step: the query. The service's profile checks what its signature proves (400/401); the timestamp
 * window (`timeout` > 0, SPEC §4.2) is shared: checked here, and again after the body is read
 * (steps/replay), so a body trickled in slowly cannot outlive its nonce in the replay guard.
 */
import { unauthorized } from "../../http/errors";
import type { Query, SignedQuery } from "../../profiles/index";
import { withinWindow } from "../../wechat/signature";
import type { ServiceRuntime } from "../runtime";

/** POST: the signed query, within the window. */
export function verify(query: Query, rt: ServiceRuntime, nowMs: number): SignedQuery {
  const signed = rt.profile.verifyQuery(query);
  checkWindow(signed, rt, nowMs);
  return signed;
}

/** GET (URL verification): the text to answer with. */
export function verifyUrl(query: Query, rt: ServiceRuntime, nowMs: number): string {
  const { signed, echo } = rt.profile.verifyUrl(query);
  checkWindow(signed, rt, nowMs);
  return echo;
}

/** 401 when `timeout` > 0 and the timestamp is more than that many seconds from now. */
export function checkWindow(signed: SignedQuery, rt: ServiceRuntime, nowMs: number): void {
  const windowS = rt.config.timeoutS;
  if (windowS > 0 && !withinWindow(signed.timestamp, windowS, Math.floor(nowMs / 1000))) throw unauthorized("timestamp outside the allowed window");
}
