/**
 * @module test/_helpers/fake-backend
 * A real HTTP backend on 127.0.0.1 that records every forwarded message and answers from a script
 * (per path: JSON reply, status, raw body, delay, or held until the test lets it go). It also holds the gateway to its contract: every
 * body it receives is validated with ajv against the exported JSON Schema of its path (for the push
 * surface it stands behind: `startFakeBackend(prefix, { kind: "wecom" })`), and `stop()`
 * throws if any did not match — so every suite that forwards messages checks the contract too.
 */

import type { TSchema } from "@sinclair/typebox";
import Ajv from "ajv";
import type { ServiceKind } from "../../src/config/schema";
import { schemaForPath } from "../../src/contract/index";

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<TSchema, ReturnType<typeof ajv.compile>>();

/** Problems of one forwarded body against its schema (of the surface `kind`), or [] when it conforms. */
export function contractProblems(path: string, body: unknown, kind?: ServiceKind): string[] {
  const schema = schemaForPath(path, { kind, channels: path.startsWith("/event/channels_") });
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(JSON.parse(JSON.stringify(schema)));
    compiled.set(schema, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${path} ${e.instancePath || "/"} ${e.message}`);
}

export interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly raw: string;
  readonly headers: Headers;
}

export interface Scripted {
  status?: number;
  json?: unknown;
  raw?: string;
  delayMs?: number;
  /** answer only once this settles: a backend exactly as slow as the test wants, for a fake clock */
  until?: Promise<unknown>;
}

export interface FakeBackend {
  readonly url: string;
  readonly received: Received[];
  /** forwarded bodies that did not match their exported schema */
  readonly violations: string[];
  /** the highest number of requests in progress at the same time */
  readonly maxConcurrent: number;
  /** answer for a path ("*" for any); a function may look at the request body */
  on(path: string, answer: Scripted | ((body: Record<string, unknown>) => Scripted)): void;
  /** resolves once `count` requests have arrived in all (waiting for the event instead of polling) */
  whenReceived(count?: number): Promise<void>;
  stop(): void;
  [Symbol.dispose](): void;
}

export function startFakeBackend(prefix = "/biz", opts: { readonly kind?: ServiceKind } = {}): FakeBackend {
  const received: Received[] = [];
  const violations: string[] = [];
  const script = new Map<string, Scripted | ((body: Record<string, unknown>) => Scripted)>();
  let inFlight = 0;
  let maxConcurrent = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const arrived = () => {
    for (const w of waiters.filter((w) => received.length >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      inFlight++;
      maxConcurrent = Math.max(maxConcurrent, inFlight);
      try {
        const path = new URL(req.url).pathname.slice(prefix.length);
        const raw = await req.text();
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw);
        } catch {
          /* recorded raw */
        }
        received.push({ path, body, raw, headers: req.headers });
        arrived();
        if (/^\/(msg|event)\//.test(path)) violations.push(...contractProblems(path, body, opts.kind));
        const entry = script.get(path) ?? script.get("*") ?? { json: { type: "text", msg: `got ${path}` } };
        const answer = typeof entry === "function" ? entry(body) : entry;
        if (answer.delayMs) await Bun.sleep(answer.delayMs);
        await answer.until;
        if (answer.raw !== undefined) return new Response(answer.raw, { status: answer.status ?? 200 });
        return Response.json(answer.json ?? {}, { status: answer.status ?? 200 });
      } finally {
        inFlight--;
      }
    },
  });
  function stop(): void {
    server.stop(true);
    if (violations.length) throw new Error(`forwarded bodies broke the contract:\n${violations.slice(0, 10).join("\n")}`);
  }
  return {
    url: `http://127.0.0.1:${server.port}${prefix}`,
    received,
    get maxConcurrent() {
      return maxConcurrent;
    },
    on(path, answer) {
      script.set(path, answer);
    },
    whenReceived(count = 1) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    violations,
    stop,
    [Symbol.dispose]: stop,
  };
}
