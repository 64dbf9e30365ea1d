/**
 * @module test/examples/examples
 * The typed contract, proven in the languages backends are written in (SPEC §5). From a fresh export
 * of the compiled executable (`wx-gateway schema`), the standard generators make the types — the
 * @wx-gateway/contract package (json-schema-to-typescript, `npm pack`) for TypeScript, quicktype for
 * Python and Go — and each example is built with its language's tools (tsc; py_compile + mypy;
 * go build + go vet), started behind the compiled gateway and driven with `wx-gateway simulate`: every
 * reply arrives. Then the forwarded body of every message and event type, captured behind the gateway,
 * goes through each language's generated types and comes back unchanged (64-bit ids as strings,
 * numbers as numbers), while a body with an id as a JSON number is refused.
 *
 * Go and mypy come from Debian (.ci/run installs them); without them their parts are skipped with a
 * message, unless CI is set: then the test fails.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { comparable, exec, GO_ENV, only, ROOT, writeGoRoundtrip } from "../_helpers/backend-examples";
import { CALLBACK_SAMPLES } from "../_helpers/callback-samples";
import { type ExamplesScene, haveGo, haveMypy, LANGS, startExamplesScene } from "../_helpers/examples-scene";

const FIXTURES = join(ROOT, "test/fixtures");
for (const [tool, have] of [
  ["go (apt-get install golang-go)", haveGo],
  ["mypy (apt-get install mypy)", haveMypy],
] as const) {
  if (!have && process.env.CI) throw new Error(`examples: ${tool} is missing; .ci/run installs it`);
  if (!have) console.warn(`examples: ${tool} is missing, its part of this test is skipped`);
}

let scene: ExamplesScene;
beforeAll(async () => {
  scene = await startExamplesScene();
}, 150_000);
afterAll(() => scene?.stop());

test("the types are generated from the export and every example builds (py_compile + mypy, go build + go vet; tsc below)", () => {
  const { builds } = scene;
  expect(builds.map(({ argv, exitCode, stderr }) => ({ argv, exitCode, stderr: exitCode === 0 ? "" : stderr }))).toEqual(
    builds.map(({ argv }) => ({ argv, exitCode: 0, stderr: "" })),
  );
  expect(builds.length).toBe(4 + (haveMypy ? 1 : 0) + (haveGo ? 2 : 0));
});

describe.each(LANGS)("%s example behind the gateway, driven by wx-gateway simulate", (lang) => {
  const replyOf = async (service: string, args: string[]) => {
    const ran = await scene.simulate(service, args);
    expect({ exitCode: ran.exitCode, stderr: ran.stderr }).toEqual({ exitCode: 0, stderr: "" });
    return /← (.*?)(?: \[encrypted reply, signature ok\])?$/m.exec(ran.stdout)?.[1];
  };

  test("text, subscribe, a menu CLICK and any other message: each reply arrives", async () => {
    expect(await replyOf(lang, ["--content", "hello 你好 <&>"])).toBe("text: you said: hello 你好 <&>");
    expect(await replyOf(lang, ["--event", "subscribe", "--event-key", "qrscene_42"])).toBe("text: welcome! (scene 42)");
    expect(await replyOf(lang, ["--event", "CLICK", "--event-key", "MENU_NEWS"])).toBe("text: Today's news: nothing happened.");
    expect(await replyOf(lang, ["--type", "image", "--media-id", "MEDIA_1"])).toBe("success");
  }, 30_000);

  test("a Channels order event: the backend reads its 64-bit order id digit for digit", async () => {
    expect(await replyOf(`${lang}-shop`, ["--body", join(FIXTURES, "channels/channels_ec_order_pay.json")])).toBe("success");
    const backend = scene.backends.get(lang)!;
    // the backend writes the line before it answers, but its pipe may reach us later
    for (let i = 0; i < 200 && !backend.output().includes("order "); i++) await Bun.sleep(10);
    expect(backend.output()).toContain("order 3705115058471208928 paid at 1658509200");
  }, 30_000);

  test("the OAuth2 forward: the backend's answer reaches the browser", async () => {
    const res = await fetch(`${scene.gateway.base}/${lang}/oauth?code=code-${lang}&state=menu1`, { redirect: "manual" });
    expect({ status: res.status, body: await res.text() }).toEqual({ status: 200, body: `signed in as openid-code-${lang} (state menu1)\n` });
  }, 30_000);
});

describe("every message and event type through each language's generated types", () => {
  interface Item {
    readonly name: string;
    /** the generated type: the title of the path's schema, or of the generic one */
    readonly type: string;
    readonly body: Record<string, unknown>;
    /** what must come back: all of it, or a generic type's declared fields */
    readonly expected: unknown;
  }
  let items: Item[] = [];
  // an id as a JSON number: every language must refuse it
  const wrong = { ToUserName: "gh", FromUserName: "o", CreateTime: 1, MsgType: "text", Content: "x", MsgId: 6054768590064713 };

  test("the forwarded body of every type is captured behind the gateway (simulate --body)", async () => {
    const samples = join(scene.work, "samples");
    mkdirSync(samples, { recursive: true });
    for (const s of CALLBACK_SAMPLES) writeFileSync(join(samples, `${s.name}.xml`), s.xml);
    const files = (dir: string) =>
      readdirSync(dir)
        .filter((f) => /\.(xml|json)$/.test(f))
        .map((f) => join(dir, f));
    const messages = [
      ...[...files(join(FIXTURES, "xml")), ...files(samples)].map((f) => ["capture", f] as const),
      ...files(join(FIXTURES, "channels")).map((f) => ["capture-shop", f] as const),
      ...files(join(FIXTURES, "mini-program/json")).map((f) => ["capture-mp", f] as const),
      ...files(join(FIXTURES, "wecom/xml")).map((f) => ["capture-wecom", f] as const),
    ];
    const failed: string[] = [];
    for (let i = 0; i < messages.length; i += 6) {
      const batch = await Promise.all(messages.slice(i, i + 6).map(([service, file]) => scene.simulate(service, ["--body", file])));
      failed.push(...batch.filter((r) => r.exitCode !== 0).map((r) => `${r.argv}: ${r.stdout}${r.stderr}`));
    }
    expect(failed).toEqual([]);
    expect(scene.captured.length).toBe(messages.length);

    const read = (file: string) => JSON.parse(readFileSync(join(scene.schemaDir, file), "utf8"));
    const index = read("index.json");
    items = scene.captured.map(({ kind, path, raw }) => {
      const surface = index.surfaces[kind] ?? {
        forwarded: index.forwarded,
        fallback: kind === "channels-ec" ? { ...index.fallback, event: index.fallback.channelsEvent } : index.fallback,
      };
      const own: string | undefined = surface.forwarded[path];
      const schema = read(own ?? surface.fallback[path.startsWith("/msg/") ? "msg" : "event"]);
      const body = JSON.parse(raw) as Record<string, unknown>;
      return { name: `${kind}${path}`, type: schema.title, body, expected: comparable(own ? body : only(body, Object.keys(schema.properties))) };
    });
    expect(new Set(items.map((i) => i.type)).size).toBeGreaterThan(60);
  }, 90_000);

  const roundTrip = async (argv: string[], env: Record<string, string>) => {
    const lines = [...items.map(({ type, body }) => ({ type, body })), { type: "TextMessage", body: wrong }].map((l) => JSON.stringify(l));
    const ran = await exec(argv, { env, stdin: `${lines.join("\n")}\n` });
    expect({ exitCode: ran.exitCode, stderr: ran.stderr }).toEqual({ exitCode: 0, stderr: "" });
    const out = ran.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { body?: unknown; error?: string });
    expect(out.length).toBe(items.length + 1);
    expect(out.at(-1)).toEqual({ error: expect.any(String) });
    const lost = items.flatMap((item, i) =>
      Bun.deepEquals(comparable(out[i]!.body), item.expected) ? [] : [{ name: item.name, sent: item.expected, back: out[i] }],
    );
    expect(lost).toEqual([]);
  };

  test("python: each body decodes with its generated dataclass and encodes back unchanged", async () => {
    await roundTrip(["python3", join(ROOT, "test/examples/roundtrip.py")], { PYTHONPATH: scene.dirs.python });
  }, 30_000);

  test.if(haveGo)(
    "go: each body decodes into its generated struct and encodes back unchanged",
    async () => {
      const dir = join(scene.work, "go-roundtrip");
      writeGoRoundtrip(dir, [...new Set([...items.map((i) => i.type), "TextMessage"])]);
      writeFileSync(join(dir, "wx_types.go"), readFileSync(join(scene.dirs.go, "wx_types.go")));
      const build = await exec(["go", "build", "-o", "roundtrip", "."], { cwd: dir, env: GO_ENV });
      expect({ exitCode: build.exitCode, stderr: build.stderr }).toEqual({ exitCode: 0, stderr: "" });
      await roundTrip([join(dir, "roundtrip")], {});
    },
    60_000,
  );

  test("typescript: tsc builds the example, each body satisfies its type from the packed package, an id as a number does not", async () => {
    const literal = (type: string, body: unknown) => `(${JSON.stringify(body)}) satisfies Contract.${type}`;
    const source = [
      'import type * as Contract from "@wx-gateway/contract";',
      `export const captured = [\n${items.map((i) => `  ${literal(i.type, i.body)},`).join("\n")}\n];`,
      "// @ts-expect-error a 64-bit id as a JSON number is not a TextMessage",
      `export const wrong = ${literal("TextMessage", wrong)};`,
    ];
    writeFileSync(join(scene.dirs.typescript, "captured.ts"), `${source.join("\n")}\n`);
    const tsc = await exec([join(ROOT, "node_modules/.bin/tsc"), "-p", scene.dirs.typescript, "--typeRoots", join(ROOT, "node_modules/@types")]);
    expect({ exitCode: tsc.exitCode, out: tsc.stdout }).toEqual({ exitCode: 0, out: "" });
  }, 60_000);
});
