/**
 * @module cli/simulate
 * `wx-gateway simulate`: plays WeChat (or WeCom) against a running gateway, as the service's kind
 * pushes (cli/simulate-push): builds a message of any type (XML for an Official Account and a WeCom app,
 * JSON for a Channels shop, either for a Mini Program: --format) or takes one from a file (--body),
 * signs it with the service's token, encrypts it when the service has an aes-key, posts it, decrypts the
 * reply and prints it readably; --repeat/--concurrency print a latency summary.
 */
import { readFileSync } from "node:fs";
import { loadConfig, locateConfig } from "../config/load";
import type { ServiceConfig } from "../config/types";
import { xmlFields } from "../contract/fields";
import { cdata, parseWechatXml } from "../wechat/xml";
import type { ParsedArgs } from "./args";
import { localOrigin } from "./healthcheck";
import { type PushFormat, pushFormatOf, signPush, surfaceFields } from "./simulate-push";

export interface SimulateOptions {
  readonly url: string;
  readonly service: ServiceConfig;
  /** message fields; MsgId is renewed per request unless sameId */
  readonly fields: Record<string, string>;
  /** the message as WeChat writes it, sent as is instead of one built from `fields` */
  readonly body?: string;
  /** the push's format (cli/simulate-push `pushFormatOf`); default: the service's */
  readonly format?: PushFormat;
  readonly repeat: number;
  readonly concurrency: number;
  readonly sameId: boolean;
}

export interface SimulatedReply {
  readonly status: number;
  readonly body: string;
  /** the decrypted reply XML (safe mode) or the body itself */
  readonly plain: string;
  readonly signatureOk: boolean | null;
  readonly ms: number;
}

let seq = 0;

/** The message as WeChat writes it: integers and ids (contract/fields) bare, every other value in CDATA. */
export function buildMessageXml(fields: Record<string, string>): string {
  const inner = Object.entries(fields).map(([k, v]) => `<${k}>${xmlFields.has(k) && /^\d+$/.test(v) ? v : cdata(v)}</${k}>`);
  return `<xml>${inner.join("")}</xml>`;
}

/** A JSON push (a Channels shop's, a Mini Program's) as WeChat writes it: digits (ids, times) as bare numbers. */
export function buildMessageJson(fields: Record<string, string>): string {
  return `{${Object.entries(fields)
    .map(([k, v]) => `${JSON.stringify(k)}:${/^\d+$/.test(v) ? v : JSON.stringify(v)}`)
    .join(",")}}`;
}

/** The fields shown and used for the request (openid, the envelope's ToUserName) of a message given as text. */
export function fieldsOfMessage(message: string): Record<string, string> {
  const parsed: Record<string, unknown> = message.trimStart().startsWith("{") ? JSON.parse(message) : parseWechatXml(message);
  return Object.fromEntries(Object.entries(parsed).flatMap(([k, v]) => (typeof v === "string" || typeof v === "number" ? [[k, String(v)]] : [])));
}

/** Message fields from command-line flags. */
export function fieldsFromFlags(flags: Readonly<Record<string, string>>): Record<string, string> {
  const event = flags.event;
  const fields: Record<string, string> = {
    ToUserName: flags.to ?? "gh_simulated",
    FromUserName: flags.from ?? "oSimulatedUser",
    CreateTime: String(Math.floor(Date.now() / 1000)), // the real time: WeChat's messages carry it too
    MsgType: event ? "event" : (flags.type ?? "text"),
  };
  if (event) {
    fields.Event = event;
    if (flags["event-key"] !== undefined) fields.EventKey = flags["event-key"];
  } else {
    if (fields.MsgType === "text") fields.Content = flags.content ?? "hello from wx-gateway simulate";
    if (flags["media-id"]) fields.MediaId = flags["media-id"];
    fields.MsgId = flags["msg-id"] ?? `${Date.now()}${String(++seq).padStart(4, "0")}`;
  }
  // --set "Key=Value;Key2=Value2" adds or overrides any field
  for (const pair of (flags.set ?? "").split(";").filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq > 0) fields[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return fields;
}

async function sendOnce(opts: SimulateOptions, fields: Record<string, string>): Promise<SimulatedReply> {
  // a client of a running gateway, not part of it: its timestamps must pass that gateway's window, and it times a real round trip
  const svc = opts.service;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = `sim${Date.now()}${++seq}`;
  const format = opts.format ?? pushFormatOf(svc);
  const message = opts.body ?? (format === "json" ? buildMessageJson(fields) : buildMessageXml(fields));
  const push = signPush(svc, message, format, { to: fields.ToUserName ?? "", from: fields.FromUserName ?? "" }, timestamp, nonce);
  const started = performance.now();
  const res = await fetch(`${opts.url}${svc.servicePath}?${push.query}`, { method: "POST", body: push.body, headers: { "content-type": push.contentType } });
  const text = await res.text();
  const ms = performance.now() - started;
  return { status: res.status, body: text, ...(res.status === 200 ? push.open(text) : { plain: text, signatureOk: null }), ms };
}

/** Sends `repeat` messages with at most `concurrency` in flight. */
export async function runSimulation(opts: SimulateOptions): Promise<SimulatedReply[]> {
  const replies: SimulatedReply[] = [];
  let next = 0;
  const worker = async () => {
    while (next < opts.repeat) {
      const i = next++;
      const fields = { ...opts.fields };
      if (i > 0 && fields.MsgId && !opts.sameId) fields.MsgId = `${fields.MsgId}${i}`;
      replies.push(await sendOnce(opts, fields));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, opts.repeat)) }, worker));
  return replies;
}

/** The reply in readable form: "text: hello" rather than the XML. */
export function describeReply(r: SimulatedReply): string {
  if (r.status !== 200) return `HTTP ${r.status}: ${r.body}`;
  if (r.plain === "") return "(empty: no reply)";
  if (r.plain === "success" || !r.plain.startsWith("<xml>")) return r.plain;
  const x = parseWechatXml(r.plain);
  const media = (k: string) => (x[k] as Record<string, string> | undefined)?.MediaId ?? "";
  const type = String(x.MsgType ?? "");
  const summary =
    type === "text"
      ? String(x.Content)
      : type === "image"
        ? media("Image")
        : type === "voice"
          ? media("Voice")
          : type === "video"
            ? media("Video")
            : type === "news"
              ? `${x.ArticleCount} article(s)`
              : "";
  const sig = r.signatureOk === null ? "" : r.signatureOk ? " [encrypted reply, signature ok]" : " [encrypted reply, SIGNATURE MISMATCH]";
  return `${type}: ${summary}${sig}`;
}

export function latencySummary(replies: readonly SimulatedReply[]): string {
  const ms = replies.map((r) => r.ms).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(1);
  const ok = replies.filter((r) => r.status === 200).length;
  return `${replies.length} requests, ${ok} HTTP 200; latency ms: min ${ms[0]!.toFixed(1)} p50 ${at(0.5)} p90 ${at(0.9)} p99 ${at(0.99)} max ${ms.at(-1)!.toFixed(1)}`;
}

export async function simulate(args: ParsedArgs, print: (line: string) => void = console.log): Promise<number> {
  const { config } = loadConfig(locateConfig(args.config));
  const name = args.flags.service;
  const service = name ? config.services.find((s) => s.name === name) : config.services[0];
  if (!service) {
    print(`no service ${JSON.stringify(name ?? "")} in ${config.source}`);
    return 2;
  }
  const body = args.flags.body ? readFileSync(args.flags.body, "utf8") : undefined;
  // a message given as a file is sent in its own format; a built one in the service's (--format for a Mini Program)
  const format = pushFormatOf(service, body === undefined ? args.flags.format : body.trimStart().startsWith("{") ? "json" : "xml");
  const opts: SimulateOptions = {
    url: (args.flags.url ?? localOrigin(config)).replace(/\/$/, ""),
    service,
    fields: body === undefined ? surfaceFields(service, fieldsFromFlags(args.flags), args.flags.to) : fieldsOfMessage(body),
    body,
    format,
    repeat: Math.max(1, Number(args.flags.repeat ?? 1) || 1),
    concurrency: Math.max(1, Number(args.flags.concurrency ?? 1) || 1),
    sameId: args.flags["same-id"] === "true",
  };
  const replies = await runSimulation(opts);
  const mode = service.aesKey ? "safe mode" : "plaintext";
  print(
    `→ ${opts.url}${service.servicePath} (${service.name}, ${service.kind}, ${format}, ${mode}): ${opts.fields.MsgType}${opts.fields.Event ? `/${opts.fields.Event}` : ""}`,
  );
  print(`← ${describeReply(replies[0]!)}`);
  if (args.flags.verbose === "true") print(replies[0]!.plain);
  if (replies.length > 1) print(latencySummary(replies));
  return replies.every((r) => r.status === 200) ? 0 : 1;
}
