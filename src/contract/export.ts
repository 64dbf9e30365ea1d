/**
 * @module contract/export
 * The contract as JSON Schema documents (SPEC §5), shaped for code generators (json-schema-to-typescript,
 * quicktype, datamodel-code-generator):
 * - every file's `$id` is its file name: stable, and `$ref`s between the files resolve against the
 *   directory they are in, offline;
 * - every object is titled, and its title becomes the generated type's name (`TextMessage`);
 * - a titled schema used in more than one place (UserInfo, SendPicsInfo, the events' EventMsgType, …)
 *   is written once, as `def.<Title>.schema.json`, and referenced: generators emit one `UserInfo`,
 *   not one per message;
 * - `contract.schema.json` names every type under `definitions`, plus the unions of messages and
 *   events: the one input a generator needs for a single file of types;
 * - the Mini Program's and WeCom's bodies and replies (SPEC §8) are files of their own, prefixed with
 *   the kind (`mini-program.msg.text.schema.json`), listed by kind under `surfaces` in the index.
 * One title naming two different shapes is an error here rather than a `Foo1` in generated code.
 */
import type { TSchema } from "@sinclair/typebox";
import { endpointSchemas } from "./endpoints";
import {
  backendReplySchema,
  channelsEventSchemas,
  channelsReplySchema,
  eventSchemas,
  forwardedSchemas,
  genericChannelsEventSchema,
  genericEventSchema,
  genericMessageSchema,
  messageSchemas,
  oauth2ForwardSchema,
  surfaceContracts,
} from "./index";

/** The push surfaces whose bodies differ from an Official Account's (SPEC §8), exported under their kind. */
export const SURFACE_KINDS = ["mini-program", "wecom"] as const;
export type SurfaceKind = (typeof SURFACE_KINDS)[number];

/** One surface's files: its bodies by backend path, what its other bodies match, what its backend answers. */
export interface SurfaceIndex {
  readonly forwarded: Record<string, string>;
  readonly fallback: { readonly msg: string; readonly event: string };
  readonly reply: string;
}

export type JsonSchema = Record<string, unknown>;

export interface SchemaIndex {
  /** backend URL path ("/msg/text") → schema file */
  readonly forwarded: Record<string, string>;
  /** any other /msg/<type> or /event/<Event> (channelsEvent: for is-channels-ec services) */
  readonly fallback: { readonly msg: string; readonly event: string; readonly channelsEvent: string };
  readonly reply: string;
  /** what a Channels shop backend may answer */
  readonly channelsReply: string;
  readonly oauth2Forward: string;
  /** a Mini Program's and a WeCom app's bodies and replies, by service kind */
  readonly surfaces: Record<SurfaceKind, SurfaceIndex>;
  /** request and response schemas of the common endpoints (also in the OpenAPI document) */
  readonly endpoints: Record<string, string>;
  /** titled schemas used in several places, by title */
  readonly definitions: Record<string, string>;
  /** every type above by title, and the unions, in one document */
  readonly contract: string;
}

export interface ContractExport {
  /** file name → JSON Schema document */
  readonly files: ReadonlyMap<string, JsonSchema>;
  readonly index: SchemaIndex;
}

const DRAFT = "http://json-schema.org/draft-07/schema#";
const CONTRACT_FILE = "contract.schema.json";
const defFile = (title: string) => `def.${title}.schema.json`;
const fileOfPath = (path: string) => `${path.replace(/^\//, "").replaceAll("/", ".")}.schema.json`;

const isNode = (v: unknown): v is JsonSchema => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Plain JSON (TypeBox's symbols dropped). A record (TypeBox writes `patternProperties: {"^(.*)$": …}`)
 * becomes `additionalProperties: …`, the same thing in the form generators turn into a map type.
 */
const plain = (schema: TSchema): JsonSchema =>
  JSON.parse(JSON.stringify(schema), (_key, value: unknown) => {
    const node = value as JsonSchema;
    if (!isNode(node) || !isNode(node.patternProperties)) return value;
    const patterns = Object.entries(node.patternProperties);
    if (patterns.length !== 1 || patterns[0]![0] !== "^(.*)$") return value;
    const { patternProperties: _, ...rest } = node;
    return { ...rest, additionalProperties: patterns[0]![1] };
  }) as JsonSchema;

/** `node` with `f` applied to each direct subschema (properties, union members, items, additionalProperties). */
function mapChildren(node: JsonSchema, f: (child: JsonSchema) => JsonSchema): JsonSchema {
  const out: JsonSchema = { ...node };
  for (const key of ["properties", "patternProperties"]) {
    if (isNode(node[key])) out[key] = Object.fromEntries(Object.entries(node[key] as JsonSchema).map(([k, v]) => [k, isNode(v) ? f(v) : v]));
  }
  for (const key of ["anyOf", "oneOf", "allOf"]) if (Array.isArray(node[key])) out[key] = (node[key] as unknown[]).map((v) => (isNode(v) ? f(v) : v));
  for (const key of ["items", "additionalProperties"]) if (isNode(node[key])) out[key] = f(node[key] as JsonSchema);
  return out;
}

/**
 * Titled schemas by title, with the number of places they are nested in (inside a shape met before
 * counts once: it moves with that shape). Throws when one title names two shapes.
 */
export function titledShapes(roots: readonly JsonSchema[]): Map<string, { shape: string; uses: number }> {
  const seen = new Map<string, { shape: string; uses: number }>();
  const visit = (node: JsonSchema, nested: boolean) => {
    const title = node.title;
    if (typeof title === "string") {
      const shape = JSON.stringify(node);
      const had = seen.get(title);
      if (had && had.shape !== shape) throw new Error(`contract: the title ${title} names two different schemas`);
      seen.set(title, { shape, uses: (had?.uses ?? 0) + (nested ? 1 : 0) });
      if (had) return;
    }
    mapChildren(node, (child) => (visit(child, true), child));
  };
  for (const root of roots) visit(root, false);
  return seen;
}

/** `node` with every schema titled in `shared` (below the root) replaced by a `$ref` to its file. */
function referencing(node: JsonSchema, shared: ReadonlySet<string>, root = true): JsonSchema {
  if (!root && typeof node.title === "string" && shared.has(node.title)) return { $ref: defFile(node.title) };
  return mapChildren(node, (child) => referencing(child, shared, false));
}

const document = (file: string, schema: JsonSchema): JsonSchema => ({ $schema: DRAFT, $id: file, ...schema });

/** Every schema file of the contract and the index of them. */
export function exportContract(): ContractExport {
  const roots = new Map<string, JsonSchema>();
  const add = (file: string, schema: TSchema) => (roots.set(file, plain(schema)), file);
  const forwarded = Object.fromEntries(Object.entries(forwardedSchemas).map(([path, schema]) => [path, add(fileOfPath(path), schema)]));
  const fallback = {
    msg: add("msg._generic.schema.json", genericMessageSchema),
    event: add("event._generic.schema.json", genericEventSchema),
    channelsEvent: add("event._generic_channels.schema.json", genericChannelsEventSchema),
  };
  const reply = add("reply.schema.json", backendReplySchema);
  const channelsReply = add("channels-reply.schema.json", channelsReplySchema);
  const oauth2Forward = add("oauth2-forward.schema.json", oauth2ForwardSchema);
  const endpoints = Object.fromEntries(Object.entries(endpointSchemas).map(([name, schema]) => [name, add(`endpoint.${name}.schema.json`, schema)]));
  const surfaces = {} as Record<SurfaceKind, SurfaceIndex>;
  for (const kind of SURFACE_KINDS) {
    const c = surfaceContracts[kind];
    // a generic body the Official Account's files already hold is referred to, not written again
    const generic = (schema: TSchema) =>
      schema === genericMessageSchema ? fallback.msg : schema === genericEventSchema ? fallback.event : add(`${kind}._generic.schema.json`, schema);
    surfaces[kind] = {
      forwarded: Object.fromEntries(Object.entries(c.forwarded).map(([path, schema]) => [path, add(`${kind}.${fileOfPath(path)}`, schema)])),
      fallback: { msg: generic(c.genericMessage), event: generic(c.genericEvent) },
      reply: add(`${kind}-reply.schema.json`, c.reply),
    };
  }

  const shapes = titledShapes([...roots.values()]);
  const shared = new Set([...shapes].filter(([, s]) => s.uses > 1).map(([title]) => title));
  const files = new Map<string, JsonSchema>();
  const definitions: Record<string, string> = {};
  for (const title of [...shared].sort()) {
    const file = (definitions[title] = defFile(title));
    files.set(file, document(file, referencing(JSON.parse(shapes.get(title)!.shape) as JsonSchema, shared)));
  }
  for (const [file, schema] of roots) files.set(file, document(file, referencing(schema, shared)));
  files.set(CONTRACT_FILE, document(CONTRACT_FILE, bundle(files, forwarded, surfaces)));
  const index: SchemaIndex = { forwarded, fallback, reply, channelsReply, oauth2Forward, surfaces, endpoints, definitions, contract: CONTRACT_FILE };
  return { files, index };
}

/** contract.schema.json: each file's type by its title, and the unions a backend dispatches on. */
function bundle(files: ReadonlyMap<string, JsonSchema>, forwarded: Record<string, string>, surfaces: Record<SurfaceKind, SurfaceIndex>): JsonSchema {
  const definitions: Record<string, JsonSchema> = {};
  for (const [file, schema] of files) {
    const title = schema.title as string;
    if (definitions[title]) throw new Error(`contract: ${file} and ${(definitions[title] as JsonSchema).$ref} have the same title ${title}`);
    definitions[title] = { $ref: file };
  }
  const union = (title: string, description: string, list: Iterable<string>) =>
    (definitions[title] = { title, description, anyOf: [...list].map(($ref) => ({ $ref })) });
  const of = (prefix: string, schemas: Record<string, TSchema>) => Object.keys(schemas).map((type) => forwarded[`${prefix}${type}`]!);
  union("WechatMessage", "Every message an Official Account backend receives at /msg/<MsgType>, told apart by MsgType.", [
    ...of("/msg/", messageSchemas),
    "msg._generic.schema.json",
  ]);
  union("WechatEvent", "Every event an Official Account backend receives at /event/<Event>, told apart by Event.", [
    ...of("/event/", eventSchemas),
    "event._generic.schema.json",
  ]);
  union("ChannelsEvent", "Every event a Channels shop backend receives at /event/<Event>, told apart by Event.", [
    ...of("/event/", channelsEventSchemas),
    "event._generic_channels.schema.json",
  ]);
  const surfaceBodies = (kind: SurfaceKind) =>
    new Set([...Object.values(surfaces[kind].forwarded), surfaces[kind].fallback.msg, surfaces[kind].fallback.event]);
  union("MiniProgramBody", "Every message and event a Mini Program backend receives, told apart by MsgType and Event.", surfaceBodies("mini-program"));
  union("WecomBody", "Every message and event a WeCom app backend receives, told apart by MsgType and Event.", surfaceBodies("wecom"));
  return {
    title: "WxGatewayContract",
    description: "Every type of the wx-gateway backend contract, by name (a generator's single input); the bodies themselves are the definitions.",
    definitions,
  };
}
