import { describe, expect, test } from "bun:test";
import { createProfile, profileKindOf } from "../../src/profiles/index";
import { makeConfig } from "../_helpers/config";

describe("profile registry", () => {
  test("a service's surface picks its profile", () => {
    const oa = makeConfig().services[0]!;
    const shop = makeConfig({ "is-channels-ec": true }).services[0]!;
    expect([profileKindOf(oa), profileKindOf(shop)]).toEqual(["official-account", "channels-ec"]);
    expect([createProfile(oa).kind, createProfile(shop).kind]).toEqual(["official-account", "channels-ec"]);
  });
});
