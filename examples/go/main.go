// A complete wx-gateway backend in Go, standard library only (net/http, encoding/json).
//
// The gateway forwards with "msg-proxy-pass": "http://127.0.0.1:8080/wx" (an Official Account),
// "http://127.0.0.1:8080/shop" (a Channels shop) and "redirect-url": "http://127.0.0.1:8080/oauth"
// (OAuth2 web authorization). Every body is decoded into the structs quicktype generates from the
// gateway's schema export into wx_types.go (see docs/backend.md): a body that breaks the contract
// (an id as a number, a count as a string) fails to decode.
//
//	go build && ./wx-gateway-example -addr 127.0.0.1:8080
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"strings"
)

var menu = map[string]string{"MENU_NEWS": "Today's news: nothing happened.", "MENU_HELP": "Send any text and I will repeat it."}

// handle decodes the forwarded body into a T and answers with what reply returns, as JSON.
func handle[T any](reply func(body T) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body T
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, "bad body: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(reply(body))
	}
}

// text is a text reply. The reply type is written as a conversion, not with quicktype's constant
// for it: quicktype prefixes a constant whose value another enum has too (FluffyText).
func text(msg string) BackendReply {
	kind := BackendReplyType("text")
	return BackendReply{Type: &kind, Msg: &msg}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	mux.Handle("/wx/msg/text", handle(func(msg TextMessage) any { return text("you said: " + msg.Content) }))
	mux.Handle("/wx/event/subscribe", handle(func(event SubscribeEvent) any {
		// a follow through a parameterised QR code carries its scene
		scene := ""
		if event.EventKey != nil && strings.HasPrefix(*event.EventKey, "qrscene_") {
			scene = " (scene " + strings.TrimPrefix(*event.EventKey, "qrscene_") + ")"
		}
		return text("welcome!" + scene)
	}))
	mux.Handle("/wx/event/CLICK", handle(func(event ClickEvent) any {
		if answer, ok := menu[event.EventKey]; ok {
			return text(answer)
		}
		return text("menu " + event.EventKey)
	}))
	mux.Handle("/shop/event/channels_ec_order_pay", handle(func(event ChannelsOrderPayEvent) any {
		// order_id is a string: a 64-bit id, digit for digit
		log.Printf("order %s paid at %d", event.OrderInfo.OrderID, event.OrderInfo.PayTime)
		return ChannelsReply{} // {}: the gateway answers WeChat "success"
	}))
	mux.HandleFunc("/oauth", func(w http.ResponseWriter, r *http.Request) {
		var login OAuth2Forward
		if err := json.NewDecoder(r.Body).Decode(&login); err != nil {
			http.Error(w, "bad body: "+err.Error(), http.StatusBadRequest)
			return
		}
		// the answer goes back to the user's browser as it is; a real backend would start a session here
		name := login.OpenID
		if login.UserInfo != nil && login.UserInfo.Nickname != nil {
			name = *login.UserInfo.Nickname
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "signed in as %s (state %s)\n", name, login.State)
	})
	// every other message or event: no reply (the gateway answers WeChat "success")
	mux.Handle("/", handle(func(_ map[string]any) any {
		kind := BackendReplyType("success")
		return BackendReply{Type: &kind}
	}))
	log.Printf("wx-gateway example backend (Go) on http://%s", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
