import { afterAll, describe, expect, test } from "bun:test";
import { wechatSignature } from "../../src/wechat/signature";
import { makeConfig, TOKEN } from "../_helpers/config";
import { startFakeBackend } from "../_helpers/fake-backend";
import { fakeTimerClock } from "../_helpers/fake-timers";
import { startGateway, startWiredGateway } from "../_helpers/gateway";
import { eventXml, messageXml, nextMsgId, plainCallback, signedQuery, textXml } from "../_helpers/wechat";

const backend = startFakeBackend();
const gw = startGateway(makeConfig({ "msg-proxy-pass": backend.url, "reply-timeout-ms": 800 }));
afterAll(() => {
  gw.stop();
  backend.stop();
});

/** waits (polling) for what the sockets bring, never for time to pass */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(cond()).toBe(true);
}

const post = (xml: string, query = signedQuery()) => fetch(plainCallback(gw.url, "/wx", xml, query));
const forwardedCount = () => backend.received.length;
const dedupHits = async () =>
  Number(
    (await gw.metrics.registry.getMetricsAsJSON()).find((m) => m.name === "wxgw_dedup_hits_total")?.values.find((v) => v.labels.service === "svc")?.value ?? 0,
  );

describe("GET URL verification", () => {
  test("a correct signature echoes echostr", async () => {
    const q = signedQuery();
    q.set("echostr", "echo-1234");
    const res = await fetch(`${gw.url}/wx?${q}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("echo-1234");
  });
  test("a wrong signature is 401", async () => {
    const q = signedQuery({ token: "other" });
    q.set("echostr", "x");
    const res = await fetch(`${gw.url}/wx?${q}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 401, msg: "signature mismatch" });
  });
  test("missing arguments are 400", async () => {
    for (const drop of ["signature", "timestamp", "nonce", "echostr"]) {
      const q = signedQuery();
      q.set("echostr", "x");
      q.delete(drop);
      const res = await fetch(`${gw.url}/wx?${q}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: number }).code).toBe(400);
    }
  });
});

describe("POST plaintext messages", () => {
  test("a text message is forwarded to /msg/text and its reply comes back as XML", async () => {
    backend.on("/msg/text", (body) => ({ json: { type: "text", msg: `you said ${body.Content}` } }));
    const id = "9223372036854775807"; // above 2^53: must arrive digit for digit
    const res = await post(textXml("你好 😀", id));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("xml");
    const xml = await res.text();
    expect(xml).toContain("<Content><![CDATA[you said 你好 😀]]></Content>");
    expect(xml).toContain("<ToUserName><![CDATA[oUser1]]></ToUserName>");
    expect(xml).toContain("<FromUserName><![CDATA[gh_test]]></FromUserName>");
    const got = backend.received.at(-1)!;
    expect(got.path).toBe("/msg/text");
    expect(got.headers.get("content-type")).toBe("application/json");
    expect(got.raw).toContain(`"MsgId":"${id}"`);
    expect(got.body).toMatchObject({ MsgType: "text", Content: "你好 😀", CreateTime: 1700000000, FromUserName: "oUser1" });
  });

  test("events go to /event/<Event> exactly as spelled (CLICK stays CLICK)", async () => {
    for (const ev of ["CLICK", "subscribe", "view_miniprogram", "user_authorize_invoice"]) {
      const res = await post(eventXml(ev, { EventKey: "k1" }));
      expect(res.status).toBe(200);
      expect(backend.received.at(-1)!.path).toBe(`/event/${ev}`);
      expect(backend.received.at(-1)!.body.Event).toBe(ev);
    }
  });

  test("unknown message types are forwarded, not dropped", async () => {
    await post(messageXml({ ToUserName: "gh", FromUserName: "o1", CreateTime: 1, MsgType: "miniprogrampage", Title: "t", MsgId: nextMsgId() }));
    expect(backend.received.at(-1)!.path).toBe("/msg/miniprogrampage");
  });

  test("a control character typed inside CDATA is forwarded", async () => {
    await post(textXml("a\u0001b\u001fc"));
    expect(backend.received.at(-1)!.body.Content).toBe("a\u0001b\u001fc");
  });
});

describe("every reply type becomes WeChat XML", () => {
  const cases: Array<[unknown, string[]]> = [
    [{ msg: "default is text" }, ["<MsgType><![CDATA[text]]></MsgType>", "<Content><![CDATA[default is text]]></Content>"]],
    [{ type: "text", msg: "a]]>b" }, ["<Content><![CDATA[a]]]]><![CDATA[>b]]></Content>"]],
    [{ type: "image", msg: "MEDIA1" }, ["<MsgType><![CDATA[image]]></MsgType>", "<Image><MediaId><![CDATA[MEDIA1]]></MediaId></Image>"]],
    [{ type: "voice", msg: "V1" }, ["<Voice><MediaId><![CDATA[V1]]></MediaId></Voice>"]],
    [
      { type: "video", msg: "VID", title: "标题", desc: "d" },
      ["<Video><MediaId><![CDATA[VID]]></MediaId><Title><![CDATA[标题]]></Title><Description><![CDATA[d]]></Description></Video>"],
    ],
    [
      { type: "music", title: "t", desc: "d", musicUrl: "http://m/1.mp3", hqMusicUrl: "http://m/hq.mp3", thumbMediaId: "TH" },
      [
        "<Music><Title><![CDATA[t]]></Title><Description><![CDATA[d]]></Description><MusicUrl><![CDATA[http://m/1.mp3]]></MusicUrl><HQMusicUrl><![CDATA[http://m/hq.mp3]]></HQMusicUrl><ThumbMediaId><![CDATA[TH]]></ThumbMediaId></Music>",
      ],
    ],
    [
      {
        type: "news",
        articles: [
          { title: "A", description: "B", picUrl: "http://p", url: "http://u" },
          { title: "C", description: "D", picUrl: "", url: "" },
        ],
      },
      [
        "<ArticleCount>2</ArticleCount>",
        "<Articles><item><Title><![CDATA[A]]></Title><Description><![CDATA[B]]></Description><PicUrl><![CDATA[http://p]]></PicUrl><Url><![CDATA[http://u]]></Url></item><item>",
      ],
    ],
    [{ type: "transfer_customer_service" }, ["<MsgType><![CDATA[transfer_customer_service]]></MsgType></xml>"]],
    [{ type: "transfer_customer_service", kfAccount: "kf1@test" }, ["<TransInfo><KfAccount><![CDATA[kf1@test]]></KfAccount></TransInfo>"]],
  ];
  for (const [reply, fragments] of cases) {
    test(JSON.stringify(reply).slice(0, 60), async () => {
      backend.on("/msg/text", { json: reply });
      const xml = await (await post(textXml("hi"))).text();
      for (const f of fragments) expect(xml).toContain(f);
      expect(xml.startsWith("<xml>") && xml.endsWith("</xml>")).toBe(true);
    });
  }
  test("type success answers plain success", async () => {
    backend.on("/msg/text", { json: { type: "success" } });
    expect(await (await post(textXml("hi"))).text()).toBe("success");
  });
});

describe("backend failures answer success (never an error page)", () => {
  const failures: Array<[string, object]> = [
    ["HTTP 500", { status: 500, json: { type: "text", msg: "x" } }],
    ["invalid JSON", { raw: "not json" }],
    ["unknown type", { json: { type: "hologram", msg: "x" } }],
    ["empty msg", { json: { type: "text", msg: "" } }],
    ["news without articles", { json: { type: "news", articles: [] } }],
  ];
  for (const [name, answer] of failures) {
    test(name, async () => {
      backend.on("/msg/text", answer);
      const res = await post(textXml(name));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("success");
    });
  }
  test("too slow: the reply deadline answers success", async () => {
    const clock = fakeTimerClock();
    using slow = startFakeBackend();
    let release!: () => void;
    slow.on("*", { until: new Promise<void>((resolve) => (release = resolve)), json: { type: "text", msg: "late" } });
    using late = startWiredGateway(makeConfig({ "msg-proxy-pass": slow.url, "reply-timeout-ms": 800 }), { clock });
    const res = fetch(plainCallback(late.url, "/wx", textXml("too slow")));
    await slow.whenReceived(1);
    clock.advance(800);
    expect(await (await res).text()).toBe("success");
    release();
    await late.gateway.drain();
    expect(late.logs().filter((l) => l.includes("late backend reply discarded")).length).toBe(1);
  });
  test("a dead backend", async () => {
    const dead = startGateway(makeConfig({ "msg-proxy-pass": "http://127.0.0.1:1/nothing" }));
    const res = await fetch(plainCallback(dead.url, "/wx", textXml("x")));
    expect(await res.text()).toBe("success");
    expect(dead.logs().some((l) => l.includes("backend unreachable"))).toBe(true);
    dead.stop();
  });
});

describe("rejected callbacks are never forwarded", () => {
  test("bad signature → 401", async () => {
    const before = forwardedCount();
    const res = await post(textXml("x"), signedQuery({ token: "wrong" }));
    expect(res.status).toBe(401);
    expect(forwardedCount()).toBe(before);
  });
  test("missing signature → 400", async () => {
    const q = signedQuery();
    q.delete("signature");
    const res = await post(textXml("x"), q);
    expect(res.status).toBe(400);
  });
  test("malformed XML, DOCTYPE, entities, no MsgType → 400", async () => {
    const before = forwardedCount();
    const bodies = [
      "<xml><Content>unclosed</xml>",
      "not xml at all",
      '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><MsgType>text</MsgType><Content>&x;</Content></xml>',
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><a>&lol2;</a></xml>',
      "<xml><Content>no type</Content></xml>",
      "<xml><MsgType>event</MsgType></xml>",
      "",
    ];
    for (const body of bodies) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: number }).code).toBe(400);
    }
    expect(forwardedCount()).toBe(before);
    expect((await post(textXml("still serving"))).status).toBe(200);
  });
  test("an oversized body → 413, and the gateway keeps serving", async () => {
    const small = startGateway(makeConfig({ "msg-proxy-pass": backend.url, "max-body-bytes": 2048 }));
    const res = await fetch(plainCallback(small.url, "/wx", textXml("x".repeat(5000))));
    expect(res.status).toBe(413);
    const chunked = new Request(`${small.url}/wx?${signedQuery()}`, {
      method: "POST",
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("x".repeat(1000)));
          c.close();
        },
      }),
    });
    expect((await small.handle(chunked)).status).toBe(413);
    expect((await fetch(plainCallback(small.url, "/wx", textXml("ok")))).status).toBe(200);
    small.stop();
  });
  test("an expired timestamp → 401 when timeout is set", async () => {
    const strict = startGateway(makeConfig({ "msg-proxy-pass": backend.url, timeout: 30 }));
    const old = signedQuery({ timestamp: String(Math.floor(Date.now() / 1000) - 120) });
    const res = await fetch(plainCallback(strict.url, "/wx", textXml("x"), old));
    expect(res.status).toBe(401);
    strict.stop();
  });
  test("a nonce reused for another body is a replay (401); WeChat's identical retry is answered from dedup", async () => {
    const strict = startGateway(makeConfig({ "msg-proxy-pass": backend.url, timeout: 30 }));
    backend.on("/msg/text", (b) => ({ json: { msg: `r-${b.MsgId}` } }));
    const q = signedQuery();
    const first = await fetch(plainCallback(strict.url, "/wx", textXml("original", "111"), q));
    const before = forwardedCount();
    const retry = await fetch(plainCallback(strict.url, "/wx", textXml("original", "111"), q));
    expect(await retry.text()).toBe(await first.text());
    const forged = await fetch(plainCallback(strict.url, "/wx", textXml("forged", "222"), q));
    expect(forged.status).toBe(401);
    expect(forwardedCount()).toBe(before);
    strict.stop();
  });
});

describe("dedup absorbs WeChat's retries", () => {
  test("3 sequential sends of one MsgId → backend called once, same reply 3 times", async () => {
    let n = 0;
    backend.on("/msg/text", () => ({ json: { msg: `answer ${++n}` } }));
    const xml = textXml("retry me");
    const before = forwardedCount();
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(await (await post(xml)).text());
    expect(forwardedCount() - before).toBe(1);
    expect(new Set(replies).size).toBe(1);
    expect(replies[0]).toContain("answer");
  });
  test("3 concurrent sends while the backend is slow → one backend call, same reply", async () => {
    let answer!: () => void;
    backend.on("/msg/text", { until: new Promise<void>((resolve) => (answer = resolve)), json: { msg: "slow answer" } });
    const xml = textXml("concurrent");
    const before = forwardedCount();
    const hitsBefore = await dedupHits();
    const pending = [post(xml), post(xml), post(xml)].map(async (p) => (await p).text());
    await backend.whenReceived(before + 1);
    // the two others joined the first while its answer is held
    for (let i = 0; i < 500 && (await dedupHits()) - hitsBefore < 2; i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect((await dedupHits()) - hitsBefore).toBe(2);
    answer();
    const replies = await Promise.all(pending);
    expect(forwardedCount() - before).toBe(1);
    expect(replies.every((r) => r.includes("slow answer"))).toBe(true);
  });
  test("events dedup by FromUserName+CreateTime+Event+EventKey", async () => {
    backend.on("*", { json: { msg: "ev" } });
    const xml = eventXml("CLICK", { EventKey: "menu1" });
    const before = forwardedCount();
    await post(xml);
    await post(xml);
    expect(forwardedCount() - before).toBe(1);
    await post(eventXml("CLICK", { EventKey: "menu2" }));
    expect(forwardedCount() - before).toBe(2);
  });
});

test("workerNum bounds concurrent backend calls; excess waits and is not dropped", async () => {
  const slow = startFakeBackend();
  const held: Array<() => void> = [];
  slow.on("*", () => ({ until: new Promise<void>((resolve) => held.push(resolve)), json: { msg: "ok" } }));
  const limited = startGateway(makeConfig({ "msg-proxy-pass": slow.url, workerNum: 2, "reply-timeout-ms": 4000 }));
  const pending = Array.from({ length: 8 }, (_, i) => fetch(plainCallback(limited.url, "/wx", textXml(`m${i}`))).then((r) => r.text()));
  // each answer lets one waiting message in: the backend sees the next only then
  for (let n = 2; n <= 8; n++) {
    await slow.whenReceived(n);
    held.shift()!();
  }
  for (const answer of held.splice(0)) answer();
  const replies = await Promise.all(pending);
  expect(replies.every((r) => r.includes("ok"))).toBe(true);
  expect(slow.received.length).toBe(8);
  expect(slow.maxConcurrent).toBe(2);
  limited.stop();
  slow.stop();
});

test("the reply deadline counts the wait for a workerNum slot; a message that waited too long still reaches the backend", async () => {
  const clock = fakeTimerClock();
  using slow = startFakeBackend();
  const held = new Map<string, () => void>();
  slow.on("*", (body) => ({ json: { msg: "ok" }, until: new Promise<void>((resolve) => held.set(String(body.Content), resolve)) }));
  using limited = startWiredGateway(makeConfig({ "msg-proxy-pass": slow.url, workerNum: 1, "reply-timeout-ms": 400 }), { clock });
  const limiter = limited.gateway.runtimes[0]!.limiter;
  const replies = ["q0", "q1", "q2"].map((c) => fetch(plainCallback(limited.url, "/wx", textXml(c))).then((r) => r.text()));
  const answer = (i: number) => held.get(String(slow.received[i]!.body.Content))!();
  await slow.whenReceived(1);
  await until(() => limiter.outstanding === 3); // all three accepted; two wait for the slot
  clock.advance(250);
  answer(0); // within its deadline; its slot goes to the next
  await slow.whenReceived(2);
  clock.advance(150); // 400 ms since they arrived: the one at the backend and the one still waiting are answered success
  const texts = await Promise.all(replies);
  expect(texts.filter((t) => t.includes("ok")).length).toBe(1);
  expect(texts.filter((t) => t === "success").length).toBe(2);
  // nothing is dropped: the two late ones are still forwarded, one at a time, and their replies discarded
  answer(1);
  await slow.whenReceived(3);
  answer(2);
  await limited.gateway.drain(); // every accepted message has had its backend call
  expect(limited.logs().filter((l) => l.includes("late backend reply discarded")).length).toBe(2);
  expect(slow.received.length).toBe(3);
  expect(slow.maxConcurrent).toBe(1);
});

describe("echo mode (no msg-proxy-pass)", () => {
  const echo = startGateway(makeConfig());
  afterAll(() => echo.stop());
  const send = (xml: string) => fetch(plainCallback(echo.url, "/wx", xml)).then((r) => r.text());
  test("text is echoed", async () => {
    expect(await send(textXml("回声 test"))).toContain("<Content><![CDATA[回声 test]]></Content>");
  });
  test("image/voice/video are sent back by MediaId", async () => {
    for (const type of ["image", "voice", "video"]) {
      const xml = await send(messageXml({ ToUserName: "gh", FromUserName: "o", CreateTime: 1, MsgType: type, MediaId: `M-${type}`, MsgId: nextMsgId() }));
      expect(xml).toContain(`<MsgType><![CDATA[${type}]]></MsgType>`);
      expect(xml).toContain(`<MediaId><![CDATA[M-${type}]]></MediaId>`);
    }
  });
  test("subscribe gets a welcome text; CLICK names its key; others get success", async () => {
    expect(await send(eventXml("subscribe"))).toContain("Welcome");
    expect(await send(eventXml("CLICK", { EventKey: "K42" }))).toContain("event key K42 clicked");
    expect(await send(eventXml("VIEW", { EventKey: "http://x" }))).toBe("success");
    expect(await send(messageXml({ ToUserName: "gh", FromUserName: "o", CreateTime: 1, MsgType: "location", Location_X: "1", MsgId: nextMsgId() }))).toBe(
      "success",
    );
  });
  test("URL verification works with the signature of the configured token", async () => {
    const q = new URLSearchParams({ timestamp: "1", nonce: "2", echostr: "e", signature: wechatSignature([TOKEN, "1", "2"]) });
    expect(await (await fetch(`${echo.url}/wx?${q}`)).text()).toBe("e");
  });
});
