/**
 * @module profiles/profile
 * What differs between WeChat's push surfaces (Official Account, Channels shop, Mini Program, WeCom),
 * and nothing else: how a GET is verified and answered, how a POST is authenticated and decoded into
 * message text, how that text becomes a typed message, which replies can be the answer and how they are
 * rendered and encoded, how the others are sent through the surface's API, and what "no reply" is. The callback spine (callback/spine) calls a service's profile at those steps;
 * every other step — limits, replay, dedup, deadline, slot, userInfo, forward/echo, async reply,
 * metrics — is shared and never asks which surface a message came from.
 */
import type { TSchema } from "@sinclair/typebox";
import type { OutgoingMessage } from "../wechat/custom-message";
import type { InboundMessage } from "../wechat/message";
import type { AddressedReply, NormalizedReply } from "../wechat/reply";

export type Query = Record<string, string | undefined>;

/** What a surface's query signature proved, as the shared steps (window, replay) and the encode step read it. */
export interface SignedQuery {
  /** unix seconds, as sent */
  readonly timestamp: string;
  readonly nonce: string;
  /** the body is encrypted: `encrypt_type=aes`, or always on a surface that only encrypts */
  readonly aes: boolean;
  /** signature over the Encrypt value ("" when the query has none) */
  readonly msgSignature: string;
}

/** The message text out of the body: decrypted when it came encrypted. */
export interface DecodedBody {
  readonly text: string;
  readonly format: "xml" | "json";
  /** the answer is encrypted too */
  readonly encrypted: boolean;
}

export interface PushProfile {
  /** the surface (its registry name in profiles/index) */
  readonly kind: string;
  /** the query schemas of the service's routes (validation and the OpenAPI document) */
  readonly querySchemas: { readonly verify: TSchema; readonly callback: TSchema };
  /** GET URL verification: checks the query (400/401) and returns the text to answer with. */
  verifyUrl(query: Query): { readonly signed: SignedQuery; readonly echo: string };
  /** POST: checks what the query alone can prove (400/401). The timestamp window is shared (callback/steps/verify). */
  verifyQuery(query: Query): SignedQuery;
  /** Body → message text (400/401); a CryptoError it throws is a 400 (callback/steps/decode). */
  decode(body: string, signed: SignedQuery): DecodedBody;
  /** Message text → typed message; throws XmlError or MessageError (400). */
  parse(decoded: DecodedBody): InboundMessage;
  /**
   * The backend's JSON answer → the reply, or why WeChat gets `success` instead: for a surface whose
   * replies differ from an Official Account's (wechat/reply-normalize `replyNormalizer` over its own
   * union); the Official Account's `normalizeReply` when absent.
   */
  readonly normalizeReply?: (body: unknown) => NormalizedReply | string;
  /**
   * Whether the surface takes this reply as the answer to the push (absent: every reply). Any other is
   * sent through `asyncMessage` when `async-reply` is on (callback/steps/reply), else logged and dropped.
   */
  readonly passive?: (reply: NormalizedReply) => boolean;
  /**
   * The reply as a message of the surface's own API, for `async-reply` (a late, oversized or non-passive
   * reply): wechat/custom-message. null, or absent, when it has none.
   */
  readonly asyncMessage?: (toUser: string, reply: NormalizedReply) => OutgoingMessage | null;
  /** The passive reply as the surface writes it, before any encryption; its size is what WeChat limits. */
  render(reply: AddressedReply): string;
  /** The HTTP answer for a reply, encrypted when the request was. */
  encode(reply: AddressedReply, signed: SignedQuery, decoded: DecodedBody): Response;
  /** The HTTP answer when there is nothing to reply. */
  noReply(): Response;
}

// Headers instances, built once: a Response copies them, which is cheaper than building them from an object
const XML = { headers: new Headers({ "content-type": "application/xml; charset=utf-8" }) };
const TEXT = { headers: new Headers({ "content-type": "text/plain; charset=utf-8" }) };

export const xmlResponse = (body: string): Response => new Response(body, XML);
export const textResponse = (body: string): Response => new Response(body, TEXT);
