/**
 * @module examples/typescript/server
 * A complete wx-gateway backend in TypeScript on Bun. The gateway forwards with
 * `"msg-proxy-pass": "http://127.0.0.1:8080/wx"` (an Official Account), `"http://127.0.0.1:8080/shop"`
 * (a Channels shop) and `"redirect-url": "http://127.0.0.1:8080/oauth"` (OAuth2 web authorization).
 * Every body is typed with @wx-gateway/contract, the types-only package built from the gateway's schema.
 *
 *   PORT=8080 bun server.ts
 */
import type { BackendReply, ChannelsOrderPayEvent, ChannelsReply, ClickEvent, OAuth2Forward, SubscribeEvent, TextMessage } from "@wx-gateway/contract";

/** A route's handler: the forwarded body, typed, in; the answer out. */
const post = <Body>(handle: (body: Body) => Response) => ({ POST: async (req: Request) => handle((await req.json()) as Body) });
const reply = (answer: BackendReply) => Response.json(answer);

const MENU: Record<string, string> = { MENU_NEWS: "Today's news: nothing happened.", MENU_HELP: "Send any text and I will repeat it." };

const server = Bun.serve({
  hostname: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 8080),
  routes: {
    "/health": new Response("ok"),
    "/wx/msg/text": post<TextMessage>((msg) => reply({ type: "text", msg: `you said: ${msg.Content}` })),
    "/wx/event/subscribe": post<SubscribeEvent>((event) => {
      // a follow through a parameterised QR code carries its scene
      const scene = event.EventKey?.startsWith("qrscene_") ? ` (scene ${event.EventKey.slice("qrscene_".length)})` : "";
      return reply({ type: "text", msg: `welcome!${scene}` });
    }),
    "/wx/event/CLICK": post<ClickEvent>((event) => reply({ type: "text", msg: MENU[event.EventKey] ?? `menu ${event.EventKey}` })),
    "/shop/event/channels_ec_order_pay": post<ChannelsOrderPayEvent>((event) => {
      // order_id is a string: a 64-bit id that a JSON number would round
      console.log(`order ${event.order_info.order_id} paid at ${event.order_info.pay_time}`);
      return Response.json({} satisfies ChannelsReply); // the gateway answers WeChat "success"
    }),
    "/oauth": post<OAuth2Forward>((login) => {
      // the answer goes back to the user's browser as it is; a real backend would start a session here
      const name = login.userInfo?.nickname ?? login.openId;
      return new Response(`signed in as ${name} (state ${login.state})\n`, { headers: { "content-type": "text/plain; charset=utf-8" } });
    }),
  },
  // every other message or event: no reply (the gateway answers WeChat "success")
  fetch: (req) => (req.method === "POST" ? reply({ type: "success" }) : new Response("not found", { status: 404 })),
});

console.log(`wx-gateway example backend (TypeScript) on ${server.url}`);
