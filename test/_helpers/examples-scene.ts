/**
 * @module test/_helpers/examples-scene
 * The scene of test/examples: a fresh schema export of the compiled executable, each example copied
 * with its types generated beside it and built, each started as a backend behind one compiled gateway
 * (an Official Account and a Channels shop service per language, with a fake WeChat for user info and
 * OAuth2), plus a "capture" service of each kind whose backend keeps every forwarded body.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { ServiceKind } from "../../src/config/schema";
import { type Backend, copyExample, exec, GO_ENV, type Ran, startBackend } from "./backend-examples";
import { compiledBinary, freePort, type RunningBinary, scratchDir, startBinary } from "./binary";
import { AES_KEY, APP_ID, rawConfig, rawService, TOKEN } from "./config";
import { startFakeWechat } from "./fake-wechat";
import { quicktype } from "./generators";

export const haveGo = Bun.which("go") !== null;
export const haveMypy = Bun.which("mypy") !== null;
export type Lang = "typescript" | "python" | "go";
export const LANGS: readonly Lang[] = haveGo ? ["typescript", "python", "go"] : ["typescript", "python"];

/** The capture service of each kind, by the prefix its bodies are forwarded under. */
export const CAPTURE: Readonly<Record<string, { readonly service: string; readonly kind: ServiceKind }>> = {
  wx: { service: "capture", kind: "official-account" },
  shop: { service: "capture-shop", kind: "channels-ec" },
  mp: { service: "capture-mp", kind: "mini-program" },
  wecom: { service: "capture-wecom", kind: "wecom" },
};

export interface Captured {
  /** the kind of the capture service it came through */
  readonly kind: ServiceKind;
  /** the backend path, /msg/<MsgType> or /event/<Event> */
  readonly path: string;
  readonly raw: string;
}

export interface ExamplesScene {
  readonly binary: string;
  readonly work: string;
  readonly schemaDir: string;
  readonly dirs: Readonly<Record<Lang, string>>;
  /** every generation and build step, in the order they ended */
  readonly builds: readonly Ran[];
  readonly backends: ReadonlyMap<string, Backend>;
  readonly gateway: RunningBinary;
  readonly captured: readonly Captured[];
  /** `wx-gateway simulate` of the compiled executable against the gateway, for `service` */
  simulate(service: string, args: string[]): Promise<Ran>;
  stop(): Promise<void>;
}

export async function startExamplesScene(): Promise<ExamplesScene> {
  const binary = compiledBinary();
  const work = scratchDir("wxgw-examples-");
  const schemaDir = join(work, "schema");
  const builds: Ran[] = [];
  const built = async (step: Promise<Ran>) => {
    const ran = await step;
    builds.push(ran);
    return ran;
  };
  await built(exec([binary, "schema", "--out", schemaDir]));
  const dirs = { typescript: copyExample("typescript", work), python: copyExample("python", work), go: haveGo ? copyExample("go", work) : "" };
  await Promise.all([
    // the types-only package, packed with npm pack and unpacked where npm install would put it
    built(exec([process.execPath, "scripts/contract-package.ts", join(work, "pkg")])).then(async (pack) => {
      const contract = join(dirs.typescript, "node_modules/@wx-gateway/contract");
      mkdirSync(contract, { recursive: true });
      await built(exec(["tar", "xzf", pack.stdout.trim(), "-C", contract, "--strip-components=1"]));
    }),
    quicktype("python", schemaDir, join(dirs.python, "wx_types.py")).then(async () => {
      await built(exec(["python3", "-m", "py_compile", "app.py", "wx_types.py"], { cwd: dirs.python }));
      if (haveMypy) await built(exec(["mypy", "--no-incremental", "."], { cwd: dirs.python }));
    }),
    haveGo &&
      quicktype("go", schemaDir, join(dirs.go, "wx_types.go")).then(async () => {
        await built(exec(["go", "build", "-o", "app", "."], { cwd: dirs.go, env: GO_ENV }));
        await built(exec(["go", "vet", "."], { cwd: dirs.go, env: GO_ENV }));
      }),
  ]);

  const backends = new Map<string, Backend>();
  const start: Record<Lang, (port: number) => Promise<Backend>> = {
    typescript: (port) => startBackend([process.execPath, "server.ts"], dirs.typescript, port, { PORT: String(port) }),
    python: (port) => startBackend(["python3", "app.py", "--port", String(port)], dirs.python, port),
    go: (port) => startBackend(["./app", "-addr", `127.0.0.1:${port}`], dirs.go, port),
  };
  for (const lang of LANGS) backends.set(lang, await start[lang](await freePort()));

  const captured: Captured[] = [];
  const capture = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const [, prefix, path] = /^\/(\w+)(\/.*)$/.exec(new URL(req.url).pathname)!;
      captured.push({ kind: CAPTURE[prefix!]!.kind, path: path!, raw: await req.text() });
      return Response.json({ type: "success" });
    },
  });
  const wechat = startFakeWechat();
  const service = (name: string, extra: Record<string, unknown>) =>
    rawService(name, `/${name}`, { "wx-params": { token: TOKEN, "app-id": APP_ID, "app-secret": "secret_value", "aes-key": AES_KEY }, ...extra });
  const shop = { "is-channels-ec": true, "dont-append-userinfo": true };
  const services = LANGS.flatMap((lang) => {
    const url = backends.get(lang)!.url;
    const endpoints = { "listen-endpoints": { "service-path": `/${lang}`, "redirect-path": `/${lang}/oauth` } };
    return [
      service(lang, { ...endpoints, "msg-proxy-pass": `${url}/wx`, "redirect-url": `${url}/oauth` }),
      service(`${lang}-shop`, { ...shop, "msg-proxy-pass": `${url}/shop` }),
    ];
  });
  const captureUrl = `http://127.0.0.1:${capture.port}`;
  const wecom = { "wx-params": { token: TOKEN, "aes-key": AES_KEY, "corp-id": "ww0123456789abcdef", "agent-id": "1000002" } };
  const kinds: Record<ServiceKind, Record<string, unknown>> = {
    "official-account": {},
    "channels-ec": shop,
    "mini-program": { kind: "mini-program" },
    wecom: { kind: "wecom", ...wecom },
  };
  for (const [prefix, { service: name, kind }] of Object.entries(CAPTURE)) {
    services.push(service(name, { ...kinds[kind], "msg-proxy-pass": `${captureUrl}/${prefix}`, "dedup-window-s": 0 }));
  }
  const gateway = await startBinary(rawConfig({}, { services, "wx-api-base": wechat.url, "dont-append-userinfo": false }), { dir: work });

  return {
    binary,
    work,
    schemaDir,
    dirs,
    builds,
    backends,
    gateway,
    captured,
    simulate: (name, args) => exec([binary, "simulate", "-c", join(work, "conf.json"), "--service", name, ...args]),
    async stop() {
      await Promise.all([...backends.values()].map((b) => b.stop()));
      await gateway.stop();
      capture.stop(true);
      wechat.stop();
    },
  };
}
