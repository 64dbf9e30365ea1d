/**
 * The operations keys (SPEC §10, config/ops): `admin-listen` is host:port on a port of its own; the
 * reload and status endpoints need the admin listener or the admin token; the status page's data path
 * is claimed beside it. Each problem is exit 3 naming its JSON path.
 */
import { describe, expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load";
import { configErrorOf, rawConfig } from "../_helpers/config";

const parse = (top: Record<string, unknown>) => parseConfig(rawConfig({}, top), "t", {}).config;

describe("admin-listen", () => {
  test("host:port (IPv4, [IPv6], a name, port 0 for tests) resolves; absent is null", () => {
    expect(parse({ "admin-listen": "127.0.0.1:7081" }).adminListen).toEqual({ host: "127.0.0.1", port: 7081 });
    expect(parse({ "admin-listen": "[::1]:7081" }).adminListen).toEqual({ host: "::1", port: 7081 });
    expect(parse({ "admin-listen": "localhost:0" }).adminListen).toEqual({ host: "localhost", port: 0 });
    expect(parse({}).adminListen).toBeNull();
  });

  for (const bad of ["7081", "127.0.0.1", "127.0.0.1:70810", "http://127.0.0.1:7081", "[::1:7081", "a b:1", ""]) {
    test(`"${bad}" → exit 3 naming admin-listen`, () => {
      const err = configErrorOf(rawConfig({}, { "admin-listen": bad }));
      expect([err.path, err.message]).toEqual(["admin-listen", expect.stringContaining("expected host:port")]);
    });
  }

  test("its port may be neither the main listener's nor the API proxy's", () => {
    expect(configErrorOf(rawConfig({}, { "listen-port": 7080, "admin-listen": "127.0.0.1:7080" })).message).toContain("listen-port");
    const clash = configErrorOf(rawConfig({}, { "listen-port": 7080, "admin-listen": "127.0.0.1:7090", "api-proxy": { listen: "127.0.0.1:7090" } }));
    expect([clash.path, clash.message]).toEqual(["admin-listen", expect.stringContaining("api-proxy.listen")]);
    // the default listen-port counts too
    expect(configErrorOf({ ...rawConfig({}, { "admin-listen": "0.0.0.0:7080" }), "listen-port": undefined }).path).toBe("admin-listen");
  });
});

describe("reload and status", () => {
  for (const key of ["reload", "status"]) {
    test(`${key} needs admin-listen or admin-token (exit 3 otherwise)`, () => {
      const common = { "health-check": "/health", [key]: `/${key}` };
      const err = configErrorOf(rawConfig({}, { "common-endpoints": common }));
      expect([err.path, err.message]).toEqual([`common-endpoints.${key}`, expect.stringContaining("needs admin-listen")]);
      expect(parse({ "common-endpoints": common, "admin-token": "t" }).commonEndpoints[key as "reload"]).toBe(`/${key}`);
      expect(parse({ "common-endpoints": common, "admin-listen": "127.0.0.1:0" }).commonEndpoints[key as "reload"]).toBe(`/${key}`);
    });
  }

  test("ready is open like health-check: no admin needed", () => {
    expect(parse({ "common-endpoints": { ready: "/ready" } }).commonEndpoints.ready).toBe("/ready");
  });

  test("the status page's data path (<status>/data) may not be another endpoint's path", () => {
    const err = configErrorOf(rawConfig({}, { "admin-token": "t", "common-endpoints": { status: "/ops/", metrics: "/ops/data" } }));
    expect(err.message).toContain('"/ops/data" is already used');
  });
});
