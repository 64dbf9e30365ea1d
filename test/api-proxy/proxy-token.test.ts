import { describe, expect, test } from "bun:test";
import { proxyAccounts } from "../../src/api-proxy/accounts";
import { createProxyTokens, isProxyToken, PROXY_TOKEN_TTL_S } from "../../src/api-proxy/proxy-token";
import { parseConfig } from "../../src/config/load";
import { AES_KEY, makeConfig, rawConfig, rawService } from "../_helpers/config";
import { fakeTimerClock } from "../_helpers/fake-timers";

const config = parseConfig(
  rawConfig(
    {},
    {
      services: [rawService("a", "/a"), rawService("b", "/b", { "wx-params": { token: "t", "app-id": "wxbbbbbbbbbbbbbbbb", "app-secret": "secret_b" } })],
    },
  ),
  "test",
  {},
).config;
const accountsOf = (services = config.services) => proxyAccounts(services, { wxApiBase: "http://wechat.invalid" });

function setup(start = Date.UTC(2026, 0, 1)) {
  const clock = fakeTimerClock(start);
  const accounts = accountsOf();
  return { clock, accounts, tokens: createProxyTokens(accounts, { clock }) };
}

/** flips one bit of the token's payload (after the prefix) */
function tamper(token: string, at: number): string {
  const bytes = Buffer.from(token.slice(5), "base64url");
  bytes[at]! ^= 1;
  return `wxgw_${bytes.toString("base64url")}`;
}

describe("proxy tokens", () => {
  test("look like a WeChat token to an SDK: URL-safe characters, no padding, the wxgw_ mark", () => {
    const { tokens, accounts } = setup();
    const { token, expiresIn } = tokens.issue(accounts[0]!);
    expect(token).toMatch(/^wxgw_[A-Za-z0-9_-]{47}$/);
    expect(isProxyToken(token)).toBe(true);
    expect(isProxyToken("86_realWeChatToken")).toBe(false);
    expect(expiresIn).toBe(PROXY_TOKEN_TTL_S);
  });

  test("name their account; each issue is a new token", () => {
    const { tokens, accounts } = setup();
    const a = tokens.issue(accounts[0]!).token;
    const b = tokens.issue(accounts[1]!).token;
    expect(tokens.verify(a)).toEqual({ ok: true, account: accounts[0]! });
    expect(tokens.verify(b)).toEqual({ ok: true, account: accounts[1]! });
    expect(tokens.issue(accounts[0]!).token).not.toBe(a);
  });

  test("are valid for exactly the expires_in they were issued with", () => {
    const { tokens, accounts, clock } = setup();
    const { token } = tokens.issue(accounts[0]!);
    clock.advance((PROXY_TOKEN_TTL_S - 1) * 1000);
    expect(tokens.verify(token).ok).toBe(true);
    clock.advance(1000);
    expect(tokens.verify(token)).toEqual({ ok: false, reason: "expired" });
  });

  test("are checked by another instance with the same config (no shared state), whose clock may run a little ahead or behind", () => {
    const a = setup();
    const { token } = a.tokens.issue(a.accounts[0]!);
    const behind = setup(Date.UTC(2026, 0, 1) - 200_000);
    expect(behind.tokens.verify(token)).toEqual({ ok: true, account: behind.accounts[0]! });
    const ahead = setup(Date.UTC(2026, 0, 1) + 60_000);
    expect(ahead.tokens.verify(token).ok).toBe(true);
  });

  test("a changed bit anywhere is refused: version, expiry, account, nonce, signature", () => {
    const { tokens, accounts } = setup();
    const { token } = tokens.issue(accounts[0]!);
    expect(tokens.verify(tamper(token, 0))).toEqual({ ok: false, reason: "malformed" });
    for (const at of [1, 4, 13, 16, 19, 34]) expect(tokens.verify(tamper(token, at)).ok).toBe(false);
    expect(tokens.verify(tamper(token, 6))).toEqual({ ok: false, reason: "unknown-account" });
    expect(tokens.verify(tamper(token, 4))).toEqual({ ok: false, reason: "bad-signature" });
  });

  test("a correctly signed token whose expiry lies further ahead than expires_in (+ clock skew) is refused: no long-lived ones", () => {
    const { tokens, accounts, clock } = setup();
    // signed by an instance whose clock is a day ahead: valid signature, expiry now + 1 day + 7200 s
    const ahead = createProxyTokens(accounts, { clock: { unixMs: () => clock.unixMs() + 86_400_000 } });
    const { token } = ahead.issue(accounts[0]!);
    expect(ahead.verify(token).ok).toBe(true);
    expect(tokens.verify(token)).toEqual({ ok: false, reason: "expired" });
  });

  test("a new app-secret (rotation) makes the old proxy tokens unknown", () => {
    const { tokens, accounts, clock } = setup();
    const { token } = tokens.issue(accounts[0]!);
    const rotated = makeConfig({ "wx-params": { token: "t", "app-id": accounts[0]!.id, "app-secret": "rotated" } });
    expect(createProxyTokens(accountsOf(rotated.services), { clock }).verify(token).ok).toBe(false);
  });

  test("garbage with the mark is malformed, not a crash", () => {
    const { tokens } = setup();
    for (const bad of ["wxgw_", "wxgw_abc", `wxgw_${"A".repeat(47)}`, `wxgw_${"!".repeat(47)}`, `wxgw_${"A".repeat(48)}`]) {
      expect(tokens.verify(bad).ok).toBe(false);
    }
  });
});

describe("accounts", () => {
  test("services without an app-secret or app-id have no account", () => {
    const c = parseConfig(
      rawConfig(
        {},
        {
          services: [
            rawService("no-secret", "/x", { "wx-params": { token: "t", "app-id": "wx0000000000000001", "app-secret": "" } }),
            rawService("no-id", "/y", { "wx-params": { token: "t", "app-secret": "s" } }),
          ],
        },
      ),
      "t",
      {},
    ).config;
    expect(accountsOf(c.services)).toEqual([]);
  });

  test("a WeCom app is an account (by corp-id, upstream wecom-api-base) only once wecom-api-base is known", () => {
    const wecom = rawService("app", "/app", {
      kind: "wecom",
      "wx-params": { token: "t", "corp-id": "ww01", "agent-id": 1000002, "app-secret": "s", "aes-key": AES_KEY },
    });
    const c = parseConfig(rawConfig({}, { services: [wecom] }), "t", {}).config;
    expect(accountsOf(c.services)).toEqual([]);
    const [account] = proxyAccounts(c.services, { wxApiBase: "http://wechat.invalid", wecomApiBase: "http://wecom.invalid" });
    expect(account).toMatchObject({ kind: "wecom", id: "ww01", upstream: "http://wecom.invalid" });
  });
});
