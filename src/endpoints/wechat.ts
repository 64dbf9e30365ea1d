/**
 * @module endpoints/wechat
 * The common endpoints that call WeChat (SPEC §7), each mounted only when its path is configured.
 */
import type { AnyElysia } from "elysia";
import type { GatewayConfig } from "../config/types";
import type { Logger } from "../obs/log";
import type { KvStore } from "../store/index";
import type { WxApi } from "../wxapi/client";

export interface EndpointContext {
  readonly config: GatewayConfig;
  readonly api: WxApi;
  /** shared state (OAuth code reuse, caches): Redis when the token store is Redis */
  readonly kv: KvStore;
  readonly log: Logger;
  /** unix milliseconds */
  readonly now: () => number;
}

export function wechatEndpoints(_ctx: EndpointContext): AnyElysia[] {
  return [];
}
