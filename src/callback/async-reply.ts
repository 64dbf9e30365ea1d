/**
 * @module callback/async-reply
 * `async-reply` (SPEC §4.4, §8): a reply that came too late, is too large for a passive reply, or is of
 * a type the surface takes no passive reply of, is sent as a message of the surface's own API — what its
 * profile's `asyncMessage` makes of it (wechat/custom-message): `message/custom/send` for an Official
 * Account or a Mini Program, WeCom's `message/send` for a WeCom app — on the service's access_token.
 * WeChat refuses such messages outside the window after the user's last interaction (45015) or over the
 * count (45047): those refusals are final, so the sender never retries; the reply step
 * (callback/steps/reply) logs and counts them.
 */
import type { WxApi } from "../wxapi/client";
import type { AsyncReplySender } from "./runtime";

export function createAsyncReplySender(api: WxApi): AsyncReplySender {
  return async (svc, message) => {
    await api.call(svc, { method: "POST", path: message.path, json: message.body });
  };
}
