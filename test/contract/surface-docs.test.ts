/**
 * @module test/contract/surface-docs
 * The forwarded-body examples of docs/mini-program.md and docs/wecom.md are valid under their kind's
 * contract (surfaceContracts), and every reply their answer tables show is one the kind's reply union
 * accepts, so the pages cannot drift from the schemas.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { schemaForPath, surfaceContracts } from "../../src/contract/index";
import { pathOf } from "../_helpers/contract";

const read = (page: string) => Bun.file(join(import.meta.dir, "../../docs", page)).text();
const jsonBlocks = (text: string) => [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
/** `{"type":…}` replies written inline in the page's tables */
const inlineReplies = (text: string) => [...text.matchAll(/`(\{"type":[^`]*\})`/g)].map((m) => m[1]!);

const PAGES = [
  ["mini-program.md", "mini-program"],
  ["wecom.md", "wecom"],
] as const;

describe.each(PAGES)("%s", (page, kind) => {
  test("its forwarded-body examples are valid for the kind", async () => {
    const bodies = jsonBlocks(await read(page)).filter((e) => "MsgType" in e);
    expect(bodies.length).toBeGreaterThanOrEqual(1);
    for (const body of bodies) {
      expect([pathOf(body), [...Value.Errors(schemaForPath(pathOf(body), { kind }), body)].map((e) => `${e.path} ${e.message}`)]).toEqual([pathOf(body), []]);
    }
  });

  test("the replies its tables show are accepted by the kind's reply union", async () => {
    const replies = inlineReplies(await read(page)).filter((r) => !r.includes("…"));
    if (kind === "mini-program") expect(replies.length).toBeGreaterThanOrEqual(4);
    for (const reply of replies) expect([reply, Value.Check(surfaceContracts[kind].reply, JSON.parse(reply))]).toEqual([reply, true]);
  });
});
