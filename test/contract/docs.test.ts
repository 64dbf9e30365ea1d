/**
 * @module test/contract/docs
 * The JSON examples of docs/backend-contract.md are valid under the contract, so the page users read
 * cannot drift from the schemas.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { backendReplySchema, oauth2ForwardSchema, schemaForPath } from "../../src/contract/index";
import { pathOf } from "../_helpers/contract";

const page = await Bun.file(join(import.meta.dir, "../../docs/backend-contract.md")).text();
const examples = [...page.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);

test("the page has examples of forwarded bodies, replies and the OAuth2 body", () => {
  expect(examples.filter((e) => "MsgType" in e).length).toBeGreaterThanOrEqual(4);
  expect(examples.filter((e) => "requestURI" in e).length).toBe(1);
  expect(examples.filter((e) => !("MsgType" in e) && !("requestURI" in e)).length).toBeGreaterThanOrEqual(5);
});

test.each(examples.map((e) => [JSON.stringify(e).slice(0, 80), e] as const))("example is valid: %s", (_label, example) => {
  const schema =
    "MsgType" in example
      ? schemaForPath(pathOf(example), { channels: String(example.Event).startsWith("channels_ec_") })
      : "requestURI" in example
        ? oauth2ForwardSchema
        : backendReplySchema;
  expect([...Value.Errors(schema, example)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
});
