/**
 * @module cli/schema
 * `wx-gateway schema --out DIR`: writes the backend contract — the same TypeBox schemas the gateway
 * runs with — as JSON Schema files: one per forwarded message/event type, the backend reply, the OAuth2
 * forward body, and index.json mapping each backend URL path to its file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TSchema } from "@sinclair/typebox";
import {
  backendReplySchema, channelsReplySchema, forwardedSchemas, genericChannelsEventSchema, genericEventSchema, genericMessageSchema, oauth2ForwardSchema,
} from "../contract/index";
import { endpointSchemas } from "../contract/endpoints";

const DRAFT = "http://json-schema.org/draft-07/schema#";

/** A plain JSON Schema document (TypeBox's symbols dropped by the JSON round trip). */
function toJsonSchema(schema: TSchema, id: string): Record<string, unknown> {
  return { $schema: DRAFT, $id: id, ...(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>) };
}

const fileNameOf = (path: string) => `${path.replace(/^\//, "").replaceAll("/", ".")}.schema.json`;

export interface SchemaIndex {
  /** backend URL path ("/msg/text") → schema file */
  readonly forwarded: Record<string, string>;
  /** any other /msg/<type> or /event/<Event> (channelsEvent: for is-channels-ec services) */
  readonly fallback: { readonly msg: string; readonly event: string; readonly channelsEvent: string };
  readonly reply: string;
  /** what a Channels shop backend may answer */
  readonly channelsReply: string;
  readonly oauth2Forward: string;
  /** request and response schemas of the common endpoints (also in the OpenAPI document) */
  readonly endpoints: Record<string, string>;
}

export async function writeSchemas(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const write = (file: string, schema: TSchema) => {
    writeFileSync(join(outDir, file), `${JSON.stringify(toJsonSchema(schema, file), null, 2)}\n`);
    return file;
  };
  const forwarded: Record<string, string> = {};
  for (const [path, schema] of Object.entries(forwardedSchemas)) forwarded[path] = write(fileNameOf(path), schema);
  const index: SchemaIndex = {
    forwarded,
    fallback: {
      msg: write("msg._generic.schema.json", genericMessageSchema),
      event: write("event._generic.schema.json", genericEventSchema),
      channelsEvent: write("event._generic_channels.schema.json", genericChannelsEventSchema),
    },
    reply: write("reply.schema.json", backendReplySchema),
    channelsReply: write("channels-reply.schema.json", channelsReplySchema),
    oauth2Forward: write("oauth2-forward.schema.json", oauth2ForwardSchema),
    endpoints: Object.fromEntries(Object.entries(endpointSchemas).map(([name, schema]) => [name, write(`endpoint.${name}.schema.json`, schema)])),
  };
  writeFileSync(join(outDir, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
  return `wrote ${Object.keys(forwarded).length + Object.keys(endpointSchemas).length + 6} schema files and index.json to ${outDir}`;
}
