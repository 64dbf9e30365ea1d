import { describe, expect, test } from "bun:test";
import { createChannelsEcProfile } from "../../src/profiles/channels-ec";
import { createMessageCrypto, msgSignature } from "../../src/wechat/crypto";
import type { AddressedReply } from "../../src/wechat/reply";
import { AES_KEY, APP_ID, makeConfig, TOKEN } from "../_helpers/config";
import { signedQuery, textXml } from "../_helpers/wechat";

const svc = makeConfig({
  "is-channels-ec": true,
  "wx-params": { token: TOKEN, "app-id": APP_ID, "app-secret": "s", "aes-key": AES_KEY },
  "allow-plaintext": true,
}).services[0]!;
const p = createChannelsEcProfile(svc);
const json = await Bun.file(`${import.meta.dir}/../fixtures/channels/channels_ec_order_pay.json`).text();
const address = { kind: "reply", toUser: "oBuyer", fromUser: "gh_shop", createTime: 1_700_000_000 } as const;

describe("Channels shop profile", () => {
  test("a JSON body, plain or in its JSON envelope, is JSON; an XML one is XML", () => {
    const q = p.verifyQuery(Object.fromEntries(signedQuery()));
    expect(p.decode(json, q)).toEqual({ text: json, format: "json", encrypted: false });
    expect(p.decode(textXml("a"), q).format).toBe("xml");
    const encrypt = createMessageCrypto(AES_KEY, APP_ID).encrypt(json);
    const aes = { ...q, aes: true, msgSignature: msgSignature(TOKEN, q.timestamp, q.nonce, encrypt) };
    expect(p.decode(JSON.stringify({ ToUserName: "gh_shop", Encrypt: encrypt }), aes)).toEqual({ text: json, format: "json", encrypted: true });
  });

  test("JSON parses with its 64-bit ids digit for digit; XML as an Official Account's", () => {
    const msg = p.parse({ text: json, format: "json", encrypted: false });
    expect((msg.order_info as { order_id: string }).order_id).toBe("3705115058471208928");
    expect(p.parse({ text: textXml("x"), format: "xml", encrypted: false }).Content).toBe("x");
  });

  test("the answer is the reply's msg as plain text, never encrypted; `success` without one", async () => {
    const text: AddressedReply = { ...address, reply: { type: "text", msg: "ok, noted" } };
    const news: AddressedReply = { ...address, reply: { type: "news", articles: [{ title: "t", description: "", picUrl: "", url: "" }] } };
    const q = p.verifyQuery(Object.fromEntries(signedQuery()));
    const encrypted = { text: "", format: "json", encrypted: true } as const;
    const answered = p.encode(text, q, encrypted);
    expect([answered.headers.get("content-type"), await answered.text()]).toEqual(["text/plain; charset=utf-8", "ok, noted"]);
    expect(await p.encode(news, q, encrypted).text()).toBe("success");
    expect(await p.noReply().text()).toBe("success");
  });
});
