/**
 * The token manager while another instance holds the refresh lock: it polls the store on the
 * injected clock's backoff and gives up after lockWaitMs, all without real waiting.
 */
import { describe, expect, test } from "bun:test";
import { createMemoryLogger } from "../../src/obs/log";
import { createMemoryTokenStore } from "../../src/store/memory-store";
import type { TokenStore } from "../../src/store/token-store";
import { createTokenManager } from "../../src/wxapi/token-manager";
import { makeConfig } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";

const svc = makeConfig().services[0]!;

/** A shared store whose refresh lock another instance holds. */
function lockedStore(): TokenStore & { reads: number } {
  const inner = createMemoryTokenStore();
  const store = {
    ...inner,
    type: "redis" as const,
    shared: true,
    reads: 0,
    get: (kind: "token" | "ticket", appId: string) => {
      store.reads++;
      return inner.get(kind, appId);
    },
    lock: async () => null,
  };
  return store;
}

function manager(store: TokenStore, clock = fakeTimerClock()) {
  let fetches = 0;
  const tokens = createTokenManager({
    store,
    log: createMemoryLogger().log,
    clock,
    lockWaitMs: 25_000,
    fetchToken: async () => ({ value: `T${++fetches}`, expiresIn: 7200 }),
    fetchTicket: async () => ({ value: "ticket", expiresIn: 7200 }),
  });
  return { tokens, clock, fetches: () => fetches };
}

describe("waiting for another instance's token fetch", () => {
  test("re-reads the store after each backoff on the clock and takes the token the other instance wrote", async () => {
    const store = lockedStore();
    const { tokens, clock, fetches } = manager(store);
    let got: string | undefined;
    const asked = tokens.accessToken(svc).then((t) => (got = t));
    await clock.tick();
    const readsBefore = store.reads;
    await clock.tick(49);
    expect(store.reads).toBe(readsBefore); // the first backoff is 50 ms: no read before it ends
    await clock.tick(1);
    expect(store.reads).toBe(readsBefore + 1);
    await store.set("token", svc.appId, { value: "FROM-OTHER", expire: Math.floor(clock.unixMs() / 1000) + 7200 });
    await clock.tick(100); // the second backoff
    await asked;
    expect(got).toBe("FROM-OTHER");
    expect(fetches()).toBe(0);
  });

  test("gives up with a 502 once lockWaitMs has passed on the clock, backing off to 1 s between reads", async () => {
    const store = lockedStore();
    const { tokens, clock } = manager(store);
    let failure: { status?: number; message?: string } | undefined;
    const asked = tokens.accessToken(svc).catch((e) => (failure = e));
    await clock.tick();
    for (let waited = 0; waited < 24_000; waited += 1000) await clock.tick(1000);
    expect(failure).toBeUndefined();
    const reads = store.reads;
    await clock.tick(1000);
    expect(store.reads).toBe(reads + 1); // 1 s apart at most
    for (let i = 0; i < 3 && failure === undefined; i++) await clock.tick(1000);
    await asked;
    expect(failure?.status).toBe(502);
    expect(failure?.message).toContain("waited 25000 ms for another instance");
  });
});
