/**
 * @module contract/ops
 * The answers of the operations endpoints (SPEC §10): readiness, reload and the status page's data.
 * The types the gateway builds them with are derived from these schemas; `wx-gateway schema` writes
 * them with the other endpoint schemas (contract/endpoints: endpointSchemas).
 */
import { type Static, Type as t } from "@sinclair/typebox";

const ok = { code: t.Literal(200, { description: "always 200 on success" }), msg: t.Literal("OK", { description: 'always "OK" on success' }) };
const named = (title: string, description: string) => ({ title, description });
const unixMs = (description: string) => t.Number({ description: `${description} (unix milliseconds)` });
const count = (description: string) => t.Integer({ minimum: 0, description });
const names = (description: string) => t.Array(t.String(), { description });

export const readyResponseSchema = t.Object(
  ok,
  named("ReadyResponse", "The gateway can serve. Otherwise 503 with the reason in msg: draining after SIGTERM, or the configured Redis unreachable."),
);

export const reloadChangesSchema = t.Object(
  {
    added: names("services the new config adds"),
    changed: names("services whose settings or secrets changed (they keep their dedup, replay and token state where those settings did not change)"),
    removed: names("services the new config removes; their messages in flight finish on the old config"),
    endpoints: t.Boolean({ description: "common endpoints or the admin token changed" }),
  },
  named("ReloadChanges", "What a reload changed, by service name."),
);
export const reloadResponseSchema = t.Object(
  { ...ok, services: names("the services now configured"), changes: reloadChangesSchema },
  named("ReloadResponse", "The config was read, validated and applied. A refused reload is 409 (needs a restart) or 422 (invalid) with the reason in msg."),
);

const reloadRecordSchema = t.Object(
  {
    at: unixMs("when"),
    trigger: t.String({ description: "SIGHUP or endpoint" }),
    result: t.Union([t.Literal("applied"), t.Literal("invalid"), t.Literal("needs-restart"), t.Literal("failed")], {
      description: "applied, or why not: invalid, needs-restart (a listener changed), failed",
    }),
    reason: t.String({ description: "what changed, or why the config was refused" }),
  },
  named("ReloadRecord", "One reload attempt."),
);

const minuteSchema = t.Object(
  {
    at: unixMs("the minute's start"),
    replied: count("messages answered with the backend's reply (or the echo)"),
    fallback: count("messages answered success instead (timeout, backend error, invalid reply)"),
    rejected: count("callbacks refused (signature, body, format)"),
  },
  named("MinuteCounts", "One minute of a service's callbacks."),
);

const latencySchema = t.Object(
  {
    p50: t.Number({ description: "median backend answer time, ms" }),
    p90: t.Number({ description: "90th percentile, ms" }),
    p99: t.Number({ description: "99th percentile, ms" }),
    samples: count("answers measured"),
  },
  named("LatencyPercentiles", "The backend's answer times over the window."),
);

const tokenSchema = t.Object(
  {
    state: t.Union([t.Literal("valid"), t.Literal("expired"), t.Literal("none"), t.Literal("unknown")], {
      description: "none: not fetched yet; unknown: the token store could not be read",
    }),
    expiresAt: t.Union([unixMs("when the access_token expires"), t.Null()], { description: "null when there is none" }),
  },
  named("TokenExpiry", "When the service's access_token expires; never the token."),
);

export const serviceStatusSchema = t.Object(
  {
    name: t.String({ description: "the service's name" }),
    kind: t.String({ description: "official-account, channels-ec, mini-program or wecom" }),
    mode: t.Union([t.Literal("plaintext"), t.Literal("compatible"), t.Literal("safe")], {
      description: "WeChat's message encryption mode: no aes-key, aes-key with allow-plaintext, aes-key only",
    }),
    path: t.String({ description: "service-path" }),
    backend: t.String({ description: "msg-proxy-pass without credentials, or (echo mode)" }),
    workerNum: count("backend calls at once"),
    backendNow: t.Object(
      {
        active: count("messages at the backend now, each holding one of workerNum's slots"),
        waiting: count("messages accepted and waiting for a slot"),
      },
      named("BackendNow", "The service's backend calls at this moment: a growing `waiting` means the backend is the bottleneck."),
    ),
    perMinute: t.Array(minuteSchema, { description: "oldest first, the current minute last" }),
    byType: t.Record(t.String(), t.Record(t.String(), t.Integer({ minimum: 0 })), {
      description: "message or event type → outcome (replied, success-fallback, rejected, verified) → count over the window",
    }),
    latencyMs: t.Union([latencySchema, t.Null()], { description: "null when nothing was forwarded in the window" }),
    dedupHits: count("WeChat retries absorbed over the window"),
    lastErrors: t.Array(
      t.Object({ at: unixMs("when"), reason: t.String({ description: "what went wrong" }) }, named("LastError", "An error of the service.")),
      {
        description: "newest first, at most 20",
      },
    ),
    token: tokenSchema,
  },
  named("ServiceStatus", "One service on the status page."),
);

export const statusDataSchema = t.Object(
  {
    ...ok,
    version: t.String({ description: "wx-gateway's version" }),
    bun: t.String({ description: "Bun's version" }),
    startedAt: unixMs("process start"),
    uptimeS: count("seconds since start"),
    now: unixMs("the gateway's time"),
    windowMinutes: count("minutes the counts cover"),
    ready: t.Object(
      { ready: t.Boolean({ description: "what common-endpoints.ready answers" }), reason: t.String({ description: "serving, or why not" }) },
      named("ReadyState", "Readiness."),
    ),
    redis: t.Object(
      {
        state: t.Union([t.Literal("up"), t.Literal("down"), t.Literal("not configured")], { description: "whether the token-store's Redis answers" }),
        where: t.String({ description: "host:port/db, no credentials" }),
      },
      named("RedisState", "The Redis token store."),
    ),
    config: t.String({ description: "where the running config came from" }),
    reloads: t.Array(reloadRecordSchema, { description: "newest first, at most 20" }),
    services: t.Array(serviceStatusSchema, { description: "every configured service" }),
  },
  named("StatusData", "What the status page shows: per service its traffic over the last minutes, per process its state. Never a secret or token."),
);

export type ReadyState = Static<typeof statusDataSchema>["ready"];
export type ReloadChanges = Static<typeof reloadChangesSchema>;
export type ReloadRecord = Static<typeof reloadRecordSchema>;
export type ServiceStatus = Static<typeof serviceStatusSchema>;
export type StatusData = Static<typeof statusDataSchema>;
