import { describe, expect, test } from "bun:test";
import { decode } from "../../../src/callback/steps/decode";
import { verify } from "../../../src/callback/steps/verify";
import { GatewayError } from "../../../src/http/errors";
import { createMessageCrypto, msgSignature } from "../../../src/wechat/crypto";
import { AES_KEY, APP_ID, TOKEN } from "../../_helpers/config";
import { testRuntime } from "../../_helpers/runtime";
import { signedQuery, textXml } from "../../_helpers/wechat";

describe("decode step", () => {
  test("the profile's text; a body that does not decrypt is a 400 naming the reason, not the key or text", () => {
    const { rt } = testRuntime({ "wx-params": { token: TOKEN, "app-id": APP_ID, "app-secret": "s", "aes-key": AES_KEY } });
    const signed = verify({ ...Object.fromEntries(signedQuery()), encrypt_type: "aes" }, rt, Date.now());
    const body = (encrypt: string) => `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const sign = (encrypt: string) => ({ ...signed, msgSignature: msgSignature(TOKEN, signed.timestamp, signed.nonce, encrypt) });
    const good = createMessageCrypto(AES_KEY, APP_ID).encrypt(textXml("hi"));
    expect(decode(body(good), sign(good), rt).text).toContain("<Content><![CDATA[hi]]></Content>");
    const otherApp = createMessageCrypto(AES_KEY, "wxother").encrypt(textXml("hi"));
    let error: unknown;
    try {
      decode(body(otherApp), sign(otherApp), rt);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect([(error as GatewayError).status, (error as GatewayError).message]).toEqual([400, "cannot decrypt: app-id"]);
  });
});
