"""A complete wx-gateway backend in Python, standard library only (http.server, json).

The gateway forwards with "msg-proxy-pass": "http://127.0.0.1:8080/wx" (an Official Account),
"http://127.0.0.1:8080/shop" (a Channels shop) and "redirect-url": "http://127.0.0.1:8080/oauth"
(OAuth2 web authorization). Every body is decoded with wx_types, the dataclasses quicktype generates
from the gateway's schema export (see docs/backend.md): a body that breaks the contract fails to
decode instead of surfacing later as a wrong type.

    python3 app.py --port 8080
"""

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict

from wx_types import (
    BackendReply,
    BackendReplyType,
    ChannelsOrderPayEvent,
    ChannelsReply,
    ClickEvent,
    OAuth2Forward,
    SubscribeEvent,
    TextMessage,
)

MENU = {"MENU_NEWS": "Today's news: nothing happened.", "MENU_HELP": "Send any text and I will repeat it."}


def text(msg: str) -> Dict[str, Any]:
    return BackendReply(type=BackendReplyType.TEXT, msg=msg).to_dict()


def on_text(body: Any) -> Dict[str, Any]:
    msg = TextMessage.from_dict(body)
    return text(f"you said: {msg.content}")


def on_subscribe(body: Any) -> Dict[str, Any]:
    event = SubscribeEvent.from_dict(body)
    # a follow through a parameterised QR code carries its scene
    key = event.event_key or ""
    scene = f" (scene {key[len('qrscene_'):]})" if key.startswith("qrscene_") else ""
    return text(f"welcome!{scene}")


def on_click(body: Any) -> Dict[str, Any]:
    event = ClickEvent.from_dict(body)
    return text(MENU.get(event.event_key, f"menu {event.event_key}"))


def on_order_pay(body: Any) -> Dict[str, Any]:
    event = ChannelsOrderPayEvent.from_dict(body)
    # order_id is a str: a 64-bit id that a JSON number would round in many languages
    print(f"order {event.order_info.order_id} paid at {event.order_info.pay_time}", flush=True)
    return ChannelsReply().to_dict()  # {}: the gateway answers WeChat "success"


ROUTES: Dict[str, Callable[[Any], Dict[str, Any]]] = {
    "/wx/msg/text": on_text,
    "/wx/event/subscribe": on_subscribe,
    "/wx/event/CLICK": on_click,
    "/shop/event/channels_ec_order_pay": on_order_pay,
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send(200 if self.path == "/health" else 404, b"ok" if self.path == "/health" else b"not found", "text/plain")

    def do_POST(self) -> None:
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            if self.path == "/oauth":
                self.on_oauth(OAuth2Forward.from_dict(body))
                return
            route = ROUTES.get(self.path)
            # every other message or event: no reply (the gateway answers WeChat "success")
            answer = route(body) if route else BackendReply(type=BackendReplyType.SUCCESS).to_dict()
        except (ValueError, AssertionError) as err:  # not JSON, or not the contract's shape
            self.send(400, f"bad body: {err!r}".encode(), "text/plain")
            return
        self.send(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json")

    def on_oauth(self, login: OAuth2Forward) -> None:
        # the answer goes back to the user's browser as it is; a real backend would start a session here
        name = login.user_info.nickname if login.user_info and login.user_info.nickname else login.open_id
        self.send(200, f"signed in as {name} (state {login.state})\n".encode(), "text/plain; charset=utf-8")

    def send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per order is enough for an example


def main() -> None:
    parser = argparse.ArgumentParser(description="wx-gateway example backend (Python)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"wx-gateway example backend (Python) on http://{args.host}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
