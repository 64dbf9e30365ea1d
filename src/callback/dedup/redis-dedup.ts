/**
 * @module state/redis-dedup
 * Dedup (SPEC §4.3) across instances. WeChat retries a callback it got no answer for within 5 s, and
 * behind a load balancer the retry may reach another instance. Per message:
 * 1. same-instance retries are absorbed locally first (no second Redis round trip), by the memory
 *    dedup: the promise while in flight, then the reply in its byte tables for the window — bounded,
 *    where a JS map of every reply promise kept about a kilobyte per message;
 * 2. the first instance claims `<prefix>dedup:<service>:<key>` (SET NX PX, TTL reply-timeout-ms +
 *    margin, so a claimer that dies frees it by itself), runs the work, and stores the reply there
 *    for the dedup window;
 * 3. an instance that finds a claim polls the key (25 ms doubling to 200 ms) for at most the
 *    service's reply-timeout-ms and returns the stored reply; if none arrives it answers `success`
 *    and never calls the backend. If the claim vanishes (claimer died, or its work failed) it claims
 *    the message itself, so a message is not lost with its instance.
 * When Redis cannot answer, the work runs with per-instance dedup (the local join) and the fallback
 * is counted as degraded "dedup". A reply is stored as `{"state":"done","reply":<stored text>}`, the
 * text of callback/dedup/reply-codec, the form the memory dedup keeps too.
 */

import type { StateLink } from "../../store/state-link";
import { systemClock } from "../../util/clock";
import type { WechatReply } from "../../wechat/reply";
import { createMemoryDedup, type Dedup } from "../dedup";
import { decodeStoredReply, encodeStoredReply } from "./reply-codec";

/** Deletes the key only while it still holds ARGV[1] (our claim). */
const RELEASE_CLAIM = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** a claim lives this much longer than reply-timeout-ms: the reply deadline answers by then, storing takes a moment */
export const CLAIM_MARGIN_MS = 2000;
const MAX_CLAIM_ATTEMPTS = 3;

export interface RedisDedupOptions {
  readonly link: StateLink;
  readonly service: string;
  /** seconds a reply is remembered; 0 disables dedup */
  readonly windowS: number;
  /** the service's reply-timeout-ms: how long a retry waits for another instance's reply */
  readonly replyTimeoutMs: number;
  /** called for every absorbed retry */
  readonly onHit?: () => void;
  /** unix milliseconds */
  readonly now?: () => number;
  /** waits between polls for another instance's reply (tests pass a fake clock's) */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Outcome {
  readonly reply: WechatReply;
  /** false for a waiter's timeout: a later retry must look at Redis again, not at this answer */
  readonly final: boolean;
}

const VANISHED = Symbol("vanished");

/** A reply that answers this request but is not kept: the local dedup takes a rejection as "not an answer". */
class NotFinal {
  constructor(readonly reply: WechatReply) {}
}

/** A stored entry's reply, or null while the entry is only a claim (or unreadable). */
export function storedReply(text: string): WechatReply | null {
  try {
    const entry = JSON.parse(text) as { state?: unknown; reply?: unknown };
    if (entry.state === "done" && typeof entry.reply === "string") return decodeStoredReply(entry.reply);
  } catch {
    /* not ours: treated as a claim that expires by its TTL */
  }
  return null;
}

export function createRedisDedup(opts: RedisDedupOptions): Dedup {
  const windowMs = Math.floor(opts.windowS * 1000);
  if (windowMs <= 0) return { run: (_key, work) => work() };
  const { link } = opts;
  const now = opts.now ?? systemClock.unixMs;
  const sleep = opts.sleep ?? systemClock.sleep;
  const claimTtlMs = String(opts.replyTimeoutMs + CLAIM_MARGIN_MS);
  const local = createMemoryDedup(opts.windowS, { onHit: opts.onHit, now });

  async function runClaimed(key: string, claim: string, work: () => Promise<WechatReply>): Promise<WechatReply> {
    let reply: WechatReply;
    try {
      reply = await work();
    } catch (err) {
      // a failure is not an answer: free the claim so a retry can try again
      await link.run((c) => c.send("EVAL", [RELEASE_CLAIM, "1", key, claim])).catch(() => {});
      throw err;
    }
    try {
      await link.run((c) => c.set(key, JSON.stringify({ state: "done", reply: encodeStoredReply(reply) }), "PX", String(windowMs)));
    } catch {
      // waiters elsewhere then answer `success` at their deadline; this request has its reply
      link.degraded("dedup");
    }
    return reply;
  }

  /** Polls for another instance's reply until `deadline`; Redis errors meanwhile are waited out. */
  async function waitForReply(key: string, deadline: number): Promise<Outcome | typeof VANISHED> {
    let pauseMs = 25;
    for (;;) {
      const left = deadline - now();
      if (left <= 0) break;
      await sleep(Math.min(pauseMs, left));
      pauseMs = Math.min(pauseMs * 2, 200);
      let text: string | null;
      try {
        text = await link.run((c) => c.get(key));
      } catch {
        continue; // never call the backend for a message another instance holds
      }
      if (text === null) return VANISHED;
      const reply = storedReply(text);
      if (reply) return { reply, final: true };
    }
    const reason = `another instance holds this message and did not answer within ${opts.replyTimeoutMs} ms`;
    return { reply: { kind: "success", reason }, final: false };
  }

  async function shared(dedupKey: string, work: () => Promise<WechatReply>): Promise<Outcome> {
    const key = `${link.prefix}dedup:${opts.service}:${dedupKey}`;
    const claim = JSON.stringify({ state: "pending", owner: crypto.randomUUID() });
    const deadline = now() + opts.replyTimeoutMs;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      let claimed: boolean;
      try {
        claimed = (await link.run((c) => c.set(key, claim, "NX", "PX", claimTtlMs))) === "OK";
      } catch {
        link.degraded("dedup");
        return { reply: await work(), final: true };
      }
      if (claimed) return { reply: await runClaimed(key, claim, work), final: true };
      const seen = await waitForReply(key, deadline);
      if (seen !== VANISHED) {
        opts.onHit?.();
        return seen;
      }
    }
    return { reply: { kind: "success", reason: "the message's claim kept changing hands" }, final: false };
  }

  const unkept = (err: unknown) => {
    if (err instanceof NotFinal) return err.reply;
    throw err;
  };
  return {
    run(key, work) {
      const final = () => shared(key, work).then((o) => (o.final ? o.reply : Promise.reject(new NotFinal(o.reply))));
      return local.run(key, final).catch(unkept);
    },
  };
}
