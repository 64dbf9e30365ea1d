/**
 * endpoints/registry is the one list of common endpoints. Driven by it, so that a new entry is tested
 * without a new test: each configured entry is mounted at its path, in the route group its `access`
 * names, listed in the OpenAPI document with its entry's summary, tag, schemas and admin-token
 * requirement (or left out), and every schema it validates with is written by `wx-gateway schema`.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { TSchema } from "@sinclair/typebox";
import { parseConfig } from "../../src/config/load";
import { COMMON_ENDPOINT_KEYS, type EndpointKey } from "../../src/config/schema";
import { endpointSchemas } from "../../src/contract/endpoints";
import { ENDPOINTS } from "../../src/endpoints/registry";
import { GUARDED } from "../_helpers/admin-variants";
import { makeConfig } from "../_helpers/config";
import { startGateway } from "../_helpers/gateway";
import { AUTH, rawEndpointsConfig, startEndpoints } from "../_helpers/wechat-endpoints";

const s = startEndpoints();
afterAll(() => s[Symbol.dispose]());
const config = parseConfig(rawEndpointsConfig(s.wechat.url), "test", {}).config;
const entries = Object.entries(ENDPOINTS) as Array<[EndpointKey, (typeof ENDPOINTS)[EndpointKey]]>;
/** The configured path, and a request path the route answers (wx-api's is a prefix). */
const pathOf = (key: EndpointKey) => config.commonEndpoints[key]!;
const requestPath = (key: EndpointKey) => (key === "wx-api" ? `${pathOf(key)}/cgi-bin/get_current_selfmenu_info` : pathOf(key));
const documentPath = (key: EndpointKey) => (key === "wx-api" ? `${pathOf(key)}/*` : pathOf(key));

type Operation = { summary?: string; tags?: string[]; security?: unknown; parameters?: Array<{ name: string; in: string }>; requestBody?: unknown };
const documentOf = async () =>
  (await (await fetch(`${s.gw.url}${pathOf("openapi")}`, { headers: AUTH })).json()) as { paths: Record<string, Record<string, Operation>> };

describe("the registry", () => {
  test("has one entry per common-endpoints key, and the test setup configures them all", () => {
    expect(Object.keys(ENDPOINTS).sort()).toEqual([...COMMON_ENDPOINT_KEYS].sort());
    expect(Object.keys(config.commonEndpoints).sort()).toEqual([...COMMON_ENDPOINT_KEYS].sort());
  });

  test("the admin-token attack matrix (test/attack/admin-matrix) tries every admin entry", () => {
    const admin = entries.filter(([, entry]) => entry.access === "admin").map(([key]) => key);
    expect(GUARDED.map((target) => target.name.replace(/ prefix$/, "")).sort()).toEqual(admin.sort());
  });

  test("each entry is in the route group its access names: admin ones ask for the token, open ones do not", async () => {
    const before = s.wechat.calls.length;
    for (const [key, entry] of entries) {
      const statuses: number[] = [];
      for (const method of ["GET", "POST"]) statuses.push((await fetch(`${s.gw.url}${requestPath(key)}`, { method })).status);
      if (entry.access === "admin") {
        // 404: a method the route does not have
        expect([key, statuses.every((st) => st === 401 || st === 404), statuses.includes(401)]).toEqual([key, true, true]);
      } else {
        expect([key, statuses.includes(401), statuses.includes(200)]).toEqual([key, false, true]);
      }
    }
    expect(s.wechat.calls.length).toBe(before);
  });

  test("the OpenAPI document lists each entry's OpenAPI entry at its path, and leaves out those without", async () => {
    const doc = await documentOf();
    for (const [key, entry] of entries) {
      const operations = Object.values(doc.paths[documentPath(key)] ?? {});
      if (!entry.openapi) {
        expect([key, operations.length]).toEqual([key, 0]);
        continue;
      }
      expect([key, operations.length > 0]).toEqual([key, true]);
      for (const op of operations) {
        expect([key, op.summary, op.tags]).toEqual([key, entry.openapi.summary, [entry.openapi.tag]]);
        expect([key, op.security]).toEqual([key, entry.access === "admin" ? [{ adminToken: [] }] : undefined]);
        const query = Object.keys((entry.schemas.query?.properties ?? {}) as object);
        const inQuery = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
        expect([key, inQuery.sort()]).toEqual([key, query.sort()]);
        expect([key, op.requestBody !== undefined]).toEqual([key, entry.schemas.body !== undefined]);
      }
    }
  });

  test("`wx-gateway schema` writes every schema an entry validates with", () => {
    const written = new Set<TSchema>(Object.values(endpointSchemas));
    for (const [key, entry] of entries) {
      const { query, body, response } = entry.schemas;
      const responses = response && !("type" in response) && !("anyOf" in response) ? Object.values(response as Record<number, TSchema>) : [response];
      for (const schema of [query, body, ...responses].filter((x): x is TSchema => x !== undefined)) {
        expect([key, written.has(schema)]).toEqual([key, true]);
      }
    }
  });
});

test("a configured path with a dot in it is still in the OpenAPI document (not taken for a static file)", async () => {
  const common = { "health-check": "/health.txt", "wx-user": "/v1.0/user", openapi: "/openapi.json" };
  using gw = startGateway(makeConfig({}, { "admin-token": "adm", "common-endpoints": common }));
  const doc = (await (await fetch(`${gw.url}/openapi.json`, { headers: { authorization: "Bearer adm" } })).json()) as { paths: Record<string, unknown> };
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/health.txt", "/v1.0/user"]));
  expect(Object.keys(doc.paths)).not.toContain("/openapi.json");
});
