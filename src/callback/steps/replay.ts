/**
 * @module callback/steps/replay
 * The replay step (`timeout` > 0): the replay guard (callback/replay, or callback/redis-replay across instances).
 * A (timestamp, nonce) seen before with another body is a replay (401); the guard answers 503 when it
 * is full. The window is checked again first: the body may have taken long to arrive, and a nonce is
 * remembered only for twice the window.
 */
import { unauthorized } from "../../http/errors";
import type { SignedQuery } from "../../profiles/index";
import type { ReplayGuard } from "../replay";
import { fingerprint } from "../replay";
import type { ServiceRuntime } from "../runtime";
import { checkWindow } from "./verify";

export async function guardReplay(signed: SignedQuery, body: string, rt: ServiceRuntime, guard: ReplayGuard): Promise<void> {
  checkWindow(signed, rt, rt.deps.now());
  if (await guard.isReplay(`${signed.timestamp}:${signed.nonce}`, fingerprint(body))) throw unauthorized("nonce already used for another message (replay)");
}
