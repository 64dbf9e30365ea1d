import { describe, expect, test } from "bun:test";
import { accessTokens, pathProblem, withAccessToken } from "../../src/api-proxy/request-target";

describe("pathProblem", () => {
  test("WeChat's API paths pass", () => {
    for (const p of [
      "/cgi-bin/user/info",
      "/sns/jscode2session",
      "/wxa/getwxacodeunlimit",
      "/datacube/getusersummary",
      "/channels/ec/order/get",
      "/cgi-bin/media/get/jssdk",
      "/xpay/query_user_balance",
      "/cgi-bin/menu/create/",
    ]) {
      expect(pathProblem(p)).toBeNull();
    }
  });
  test("anything that could name another host or escape the path is refused", () => {
    for (const p of [
      "//evil.example/x",
      "/cgi-bin//x",
      "/@evil.example/x",
      "/cgi-bin/x@evil",
      "/a%2Fb",
      "/%2F%2Fevil",
      "/a/%2e%2e/b",
      "/a/../b",
      "/a/./b",
      "/a\\b",
      "/a:80/b",
      "cgi-bin/x",
    ]) {
      expect(pathProblem(p)).not.toBeNull();
    }
  });
  test("a double slash hints at the SDK's trailing slash", () => {
    expect(pathProblem("//cgi-bin/token")).toContain("trailing slash");
  });
});

describe("access_token in the query", () => {
  test("found wherever it is, decoded, every occurrence", () => {
    expect(accessTokens("")).toEqual([]);
    expect(accessTokens("?a=1&access_token=x%2By&b=2")).toEqual(["x+y"]);
    expect(accessTokens("?access_token=a&access_token=b")).toEqual(["a", "b"]);
    expect(accessTokens("?access%5Ftoken=enc")).toEqual(["enc"]);
    expect(accessTokens("?access_token")).toEqual([""]);
  });
  test("replaced without touching any other byte of the query", () => {
    const q = "?type=image&x=%E4%B8%AD+1&access_token=wxgw_abc&empty=&flag";
    expect(withAccessToken(q, "REAL")).toBe("?type=image&x=%E4%B8%AD+1&access_token=REAL&empty=&flag");
    expect(withAccessToken("", "REAL")).toBe("?access_token=REAL");
    expect(withAccessToken("?a=1", "R/+")).toBe("?a=1&access_token=R%2F%2B");
  });
});
