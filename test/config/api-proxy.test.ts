import { describe, expect, test } from "bun:test";
import { parseListenAddress } from "../../src/config/api-proxy";
import { parseConfig } from "../../src/config/load";
import { configErrorOf, rawConfig } from "../_helpers/config";

describe("api-proxy.listen", () => {
  test("absent: no proxy", () => {
    expect(parseConfig(rawConfig(), "t", {}).config.apiProxy).toBeNull();
  });

  test("host:port, [IPv6]:port, a host name, or :port for every interface", () => {
    expect(parseListenAddress("127.0.0.1:7090")).toEqual({ host: "127.0.0.1", port: 7090 });
    expect(parseListenAddress("[::1]:7090")).toEqual({ host: "::1", port: 7090 });
    expect(parseListenAddress("wx-gateway.internal:80")).toEqual({ host: "wx-gateway.internal", port: 80 });
    expect(parseListenAddress(":7090")).toEqual({ host: "0.0.0.0", port: 7090 });
    expect(parseListenAddress("0.0.0.0:0")).toEqual({ host: "0.0.0.0", port: 0 });
    const c = parseConfig(rawConfig({}, { "listen-port": 7080, "api-proxy": { listen: "127.0.0.1:7090" } }), "t", {}).config;
    expect(c.apiProxy).toEqual({ host: "127.0.0.1", port: 7090 });
  });

  for (const bad of [
    "7090",
    "127.0.0.1",
    "127.0.0.1:",
    "127.0.0.1:65536",
    "127.0.0.1:-1",
    "256.1.1.1:7090",
    "[::1:7090",
    "[zz::1]:7090",
    "::1:7090",
    "http://127.0.0.1:7090",
    "a b:7090",
    "host_name:7090",
    "127.0.0.1:7090/x",
    "user@host:7090",
    "",
  ]) {
    test(`"${bad}" → exit 3 naming api-proxy.listen`, () => {
      expect(parseListenAddress(bad)).toBeNull();
      const err = configErrorOf(rawConfig({}, { "api-proxy": { listen: bad } }));
      expect(err.path).toBe("api-proxy.listen");
      expect(err.message).toContain("host:port");
    });
  }

  test("the main listener's port is refused (explicit or the default 7080); port 0 (any free port) is not", () => {
    expect(configErrorOf(rawConfig({}, { "listen-port": 9000, "api-proxy": { listen: "127.0.0.1:9000" } })).message).toContain("listen-port");
    const byDefault = { ...rawConfig({}, { "api-proxy": { listen: "0.0.0.0:7080" } }) };
    delete byDefault["listen-port"];
    expect(configErrorOf(byDefault).path).toBe("api-proxy.listen");
    expect(parseConfig(rawConfig({}, { "listen-port": 0, "api-proxy": { listen: "127.0.0.1:0" } }), "t", {}).config.apiProxy).toEqual({
      host: "127.0.0.1",
      port: 0,
    });
  });

  test("wrong types are named by path", () => {
    expect(configErrorOf(rawConfig({}, { "api-proxy": { listen: 7090 } })).path).toBe("api-proxy.listen");
    expect(configErrorOf(rawConfig({}, { "api-proxy": "127.0.0.1:7090" })).path).toBe("api-proxy");
  });
});
