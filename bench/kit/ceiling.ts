// "Ceiling" reference: the least work a Bun process can do for this job.
// Same config (CONF_FILE), same routes as a gateway, but NO signature check,
// NO XML parsing and NO AES: read the body, make one fetch to the backend, answer a fixed XML.
// Whatever a real gateway on Bun achieves should be measured against this upper bound.
const conf = JSON.parse(await Bun.file(process.env.CONF_FILE!).text());
const svc = conf.services[0];
const path: string = svc["listen-endpoints"]["service-path"];
const health: string = conf["common-endpoints"]?.["health-check"] || "/health";
const backend = `${svc["msg-proxy-pass"]}/msg/text`;
const xml = { "content-type": "application/xml" };

Bun.serve({
  hostname: conf["listen-host"] || "127.0.0.1",
  port: conf["listen-port"],
  async fetch(req) {
    const url = new URL(req.url);
    if (url.pathname === health) return new Response("OK\n");
    if (url.pathname !== path) return new Response("not found\n", { status: 404 });
    if (req.method === "GET") return new Response(url.searchParams.get("echostr") ?? "");
    await req.text();
    const res = await fetch(backend, { method: "POST", body: '{"MsgType":"text"}', headers: { "content-type": "application/json" } });
    const { msg } = (await res.json()) as { msg: string };
    const tag = url.searchParams.get("encrypt_type") === "aes" ? "Encrypt" : "Content"; // no real crypto
    return new Response(`<xml><MsgType><![CDATA[text]]></MsgType><${tag}><![CDATA[${msg}]]></${tag}></xml>`, { headers: xml });
  },
});

export {}; // a module, so top-level await typechecks in the repo (the only change from ../shared/bench)
