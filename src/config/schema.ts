/**
 * @module config/schema
 * TypeBox schema of the config file as written: the Go original's key names verbatim plus the
 * optional extensions of SPEC §2. Unknown keys are allowed here (they are warned about in load.ts).
 */
import { type Static, type TOptional, Type as t } from "@sinclair/typebox";
import { ApiProxySchema } from "./api-proxy";
import { WorkersSchema } from "./workers";

const Path = t.String({ pattern: "^/", description: "URL path starting with /" });
const OptPath = t.Union([t.Literal(""), Path, t.Null()]);
const Port = t.Integer({ minimum: 0, maximum: 65535 });
const PositiveInt = t.Integer({ minimum: 1 });
const NonNegInt = t.Integer({ minimum: 0 });
const NullableString = t.Union([t.String(), t.Null()]);

/** Settings that may be given at top level (default for all services) or per service. */
const perServiceDefaults = {
  "reply-timeout-ms": t.Optional(t.Integer({ minimum: 1, maximum: 60_000 })),
  "async-reply": t.Optional(t.Boolean()),
  "dedup-window-s": t.Optional(NonNegInt),
  "max-body-bytes": t.Optional(t.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024 })),
  "dont-append-userinfo": t.Optional(t.Boolean()),
};

/** The push surfaces a service can be (SPEC §8); `channels-ec` is what `is-channels-ec: true` also says. */
export const SERVICE_KINDS = ["official-account", "channels-ec", "mini-program", "wecom"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const RawServiceSchema = t.Object({
  name: t.String({ minLength: 1 }),
  kind: t.Optional(t.Union(SERVICE_KINDS.map((k) => t.Literal(k)))),
  workerNum: t.Optional(PositiveInt),
  timeout: t.Optional(NonNegInt),
  "is-channels-ec": t.Optional(t.Boolean()),
  "wx-params": t.Object({
    token: t.String({ minLength: 1 }),
    "app-id": t.Optional(t.String()),
    "app-secret": t.Optional(NullableString),
    "aes-key": t.Optional(NullableString),
    /** WeCom: the corp-id (企业ID), the receive id of every message */
    "corp-id": t.Optional(t.String({ pattern: "^[A-Za-z0-9_-]+$" })),
    /** WeCom: the app's AgentId */
    "agent-id": t.Optional(t.Union([t.String({ pattern: "^[0-9]+$" }), NonNegInt])),
  }),
  "listen-endpoints": t.Object({
    "service-path": Path,
    "redirect-path": t.Optional(OptPath),
  }),
  "msg-proxy-pass": t.Optional(NullableString),
  "redirect-url": t.Optional(NullableString),
  "redirect-userinfo-flag": t.Optional(NullableString),
  "allow-plaintext": t.Optional(t.Boolean()),
  ...perServiceDefaults,
});

const TokenStoreSchema = t.Union([
  t.Object({ type: t.Literal("memory") }),
  t.Object({ type: t.Literal("file"), dir: t.Optional(t.String()) }),
  t.Object({ type: t.Literal("redis"), url: t.String({ pattern: "^rediss?://" }), prefix: t.Optional(t.String()) }),
]);

/**
 * The keys `common-endpoints` may hold (SPEC §2, §7), spelled as in the file; the resolved config
 * keeps this spelling too (`config.commonEndpoints["wx-qr"]`).
 */
export const COMMON_ENDPOINT_KEYS = [
  "health-check",
  "wx-qr",
  "wx-user",
  "sns-auth2",
  "short-url",
  "tmpl-msg",
  "sign-jsapi",
  "channels-ec-order-detail",
  "channels-ec-refund-detail",
  "wx-api",
  "metrics",
  "openapi",
  "ready",
  "reload",
  "status",
] as const;
export type EndpointKey = (typeof COMMON_ENDPOINT_KEYS)[number];

const endpointProps = {} as Record<EndpointKey, TOptional<typeof OptPath>>;
for (const key of COMMON_ENDPOINT_KEYS) endpointProps[key] = t.Optional(OptPath);
const CommonEndpointsSchema = t.Object(endpointProps);

export const RawConfigSchema = t.Object({
  "listen-host": t.Optional(NullableString),
  "listen-port": t.Optional(Port),
  services: t.Array(RawServiceSchema),
  "token-cache-dir": t.Optional(NullableString),
  "common-endpoints": t.Optional(CommonEndpointsSchema),
  "wx-api-base": t.Optional(t.String({ pattern: "^https?://" })),
  "wecom-api-base": t.Optional(t.String({ pattern: "^https?://" })),
  "token-api": t.Optional(t.Union([t.Literal("stable"), t.Literal("classic")])),
  "token-store": t.Optional(TokenStoreSchema),
  "admin-token": t.Optional(NullableString),
  "api-proxy": t.Optional(ApiProxySchema),
  workers: t.Optional(WorkersSchema),
  "admin-listen": t.Optional(t.String({ description: "host:port of the admin listener, e.g. 127.0.0.1:7081: every common endpoint moves there" })),
  ...perServiceDefaults,
});

export type RawConfig = Static<typeof RawConfigSchema>;
export type RawService = Static<typeof RawServiceSchema>;
