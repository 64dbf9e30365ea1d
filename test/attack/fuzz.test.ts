/**
 * @module test/attack/fuzz
 * A seeded fuzzer over the callback path of the compiled executable: mutated XML callbacks (plaintext
 * and AES envelopes) and Channels JSON (plain and encrypted), each correctly signed so that the
 * mutated body reaches the parser, plus tampered envelopes. Asserts: never a 5xx, every request
 * answered, the process alive and serving afterwards, and the backends only ever receive a route that
 * is one plain segment under the prefix, matching the body, with integer CreateTime and digit-string ids.
 *
 * `FUZZ_SEED=<n>` repeats a run (the seed is printed), `FUZZ_COUNT=<n>` sets the number of inputs
 * (default 5000, about 10 s on two cores).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createMessageCrypto } from "../../src/wechat/crypto";
import { type RunningBinary, startBinary } from "../_helpers/binary";
import { CALLBACK_SAMPLES } from "../_helpers/callback-samples";
import { AES_KEY, APP_ID, rawConfig, rawService, TOKEN } from "../_helpers/config";
import { type Received, startFakeBackend } from "../_helpers/fake-backend";
import { createRng, mutate, type Rng } from "../_helpers/fuzz-inputs";
import { aesQuery, signedQuery } from "../_helpers/wechat";

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const COUNT = Number(process.env.FUZZ_COUNT ?? 5000);
const FIXTURES = join(import.meta.dir, "../fixtures");
const XML_DOCS = [
  ...CALLBACK_SAMPLES.map((s) => s.xml),
  ...readdirSync(join(FIXTURES, "xml"))
    .filter((f) => f.endsWith(".xml"))
    .map((f) => readFileSync(join(FIXTURES, "xml", f), "utf8")),
];
const JSON_DOCS = readdirSync(join(FIXTURES, "channels")).map((f) => readFileSync(join(FIXTURES, "channels", f), "utf8"));
const SAFE = { token: TOKEN, "app-id": APP_ID, "app-secret": "secret_value", "aes-key": AES_KEY };
const crypto = createMessageCrypto(AES_KEY, APP_ID);

const xmlBackend = startFakeBackend("/xml");
const shopBackend = startFakeBackend("/shop");
let gw: RunningBinary;
beforeAll(async () => {
  const service = (name: string, extra: Record<string, unknown>) => rawService(name, `/${name}`, { "reply-timeout-ms": 2000, ...extra });
  gw = await startBinary(
    rawConfig(
      {},
      {
        services: [
          service("plain", { "msg-proxy-pass": xmlBackend.url }),
          service("safe", { "msg-proxy-pass": xmlBackend.url, "wx-params": SAFE }),
          service("shop", { "msg-proxy-pass": shopBackend.url, "is-channels-ec": true }),
          service("shopsafe", { "msg-proxy-pass": shopBackend.url, "is-channels-ec": true, "wx-params": SAFE }),
        ],
      },
    ),
    { env: { LOG_LEVEL: "warn" } },
  );
}, 60_000);
afterAll(async () => {
  await gw?.[Symbol.asyncDispose]();
  // mutated bodies may break a type's schema (a repeated <Content> becomes an array): this suite checks routes and ids only
  for (const b of [xmlBackend, shopBackend]) b.violations.length = 0;
  xmlBackend.stop();
  shopBackend.stop();
});

interface Input {
  readonly label: string;
  /** only layout changed (pretty-printing): must be answered 200 like the original */
  readonly layoutOnly: boolean;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
}

/** One fuzz input: a target service, a mutated document, and a request WeChat would have signed. */
function generate(r: Rng, n: number): Input {
  const kind = r.pick(["plain", "safe", "safe", "shop", "shopsafe", "envelope"] as const);
  const json = kind === "shop" || kind === "shopsafe";
  const m = mutate(r, r.pick(json ? JSON_DOCS : XML_DOCS), json);
  const label = `#${n} ${kind} [${m.steps.join(",")}]`;
  const layoutOnly = kind !== "envelope" && m.steps.every((s) => s === "pretty" || s === "layout");
  const nonce = `f${SEED}-${n}`;
  if (kind === "plain" || kind === "shop") return { label, layoutOnly, path: `/${kind}`, query: signedQuery({ nonce }), body: m.text };
  let encrypt = crypto.encrypt(m.text);
  if (kind === "envelope") {
    // a tampered ciphertext, signed anyway: it reaches the decryption
    const at = r.int(encrypt.length);
    encrypt = encrypt.slice(0, at) + r.pick([..."A+/=9z"]) + encrypt.slice(at + (r.next() < 0.5 ? 1 : 0));
  }
  const body =
    kind === "shopsafe"
      ? JSON.stringify({ ToUserName: "gh_shop", Encrypt: encrypt })
      : `<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return { label, layoutOnly, path: kind === "envelope" ? "/safe" : `/${kind}`, query: aesQuery(encrypt, { nonce }), body };
}

type Outcome = { readonly input: Input; readonly status: number | string };

async function send(input: Input): Promise<Outcome> {
  try {
    const res = await fetch(`${gw.base}${input.path}?${input.query}`, { method: "POST", body: input.body, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return { input, status: res.status };
  } catch (err) {
    return { input, status: `no answer: ${(err as Error).name}` };
  }
}

const ROUTE = /^\/(msg|event)\/[A-Za-z0-9_-]{1,64}$/;
const XML_IDS = new Set(["MsgId", "MsgID", "MsgDataId"]);
const SHOP_IDS = new Set(["order_id", "after_sale_order_id", "aftersale_id", "product_id", "sku_id"]);

/** What is wrong with one forwarded body, if anything. */
function problemsOf(got: Received, ids: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const { body } = got;
  if (!ROUTE.test(got.path)) problems.push(`route ${JSON.stringify(got.path)}`);
  const expected = body.MsgType === "event" ? `/event/${body.Event}` : `/msg/${body.MsgType}`;
  if (got.path !== expected) problems.push(`route ${got.path} for a body routed to ${expected}`);
  if (body.CreateTime !== undefined && !Number.isInteger(body.CreateTime)) problems.push(`CreateTime ${JSON.stringify(body.CreateTime)}`);
  const walk = (value: unknown, depth: number): void => {
    if (typeof value !== "object" || value === null) return;
    for (const [k, v] of Object.entries(value)) {
      if (ids.has(k) && !(typeof v === "string" && /^[0-9]+$/.test(v))) problems.push(`${k} ${JSON.stringify(v)?.slice(0, 40)}`);
      if (depth < 40) walk(v, depth + 1);
    }
  };
  walk(body, 0);
  return problems.map((p) => `${got.path}: ${p}`);
}

test(`fuzzed callbacks: no 5xx, no hang, only plain routes and digit ids forwarded`, async () => {
  console.log(`fuzz: seed ${SEED}, ${COUNT} inputs (repeat with FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT})`);
  const r = createRng(SEED);
  const inputs = Array.from({ length: COUNT }, (_, n) => generate(r, n));
  const outcomes: Outcome[] = [];
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < inputs.length; i = next++) outcomes.push(await send(inputs[i]!));
  };
  await Promise.all(Array.from({ length: 16 }, lane));

  const byStatus = new Map<number | string, number>();
  for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
  console.log(
    `fuzz: answers ${JSON.stringify(Object.fromEntries(byStatus))}, forwarded ${xmlBackend.received.length} XML + ${shopBackend.received.length} Channels`,
  );
  const bad = outcomes.filter((o) => typeof o.status !== "number" || o.status >= 500);
  const show = (o: Outcome) => `${o.status} ${o.input.label} ${JSON.stringify(o.input.body.slice(0, 300))}`;
  expect({ seed: SEED, failures: bad.length, first: bad.slice(0, 5).map(show) }).toEqual({ seed: SEED, failures: 0, first: [] });
  const relaidOut = outcomes.filter((o) => o.input.layoutOnly);
  expect(
    relaidOut
      .filter((o) => o.status !== 200)
      .slice(0, 5)
      .map(show),
  ).toEqual([]);
  expect(relaidOut.length).toBeGreaterThan(0);
  // both sides of the parser were reached: many refused, many forwarded
  expect(byStatus.get(400) ?? 0).toBeGreaterThan(COUNT / 10);
  expect(byStatus.get(200) ?? 0).toBeGreaterThan(COUNT / 10);

  const problems = [...xmlBackend.received.flatMap((g) => problemsOf(g, XML_IDS)), ...shopBackend.received.flatMap((g) => problemsOf(g, SHOP_IDS))];
  expect({ seed: SEED, problems: problems.slice(0, 10) }).toEqual({ seed: SEED, problems: [] });

  // alive and serving, and nothing was an internal error
  expect(gw.proc.exitCode).toBeNull();
  expect((await fetch(`${gw.base}/health`)).status).toBe(200);
  expect(gw.output()).not.toMatch(/internal error|callback failed|unhandled/);
}, 120_000);
