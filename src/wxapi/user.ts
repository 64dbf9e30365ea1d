/**
 * @module wxapi/user
 * User info: `cgi-bin/user/info` with the access_token (followers of the account) and
 * `sns/userinfo` with a web-authorization token (snsapi_userinfo).
 * https://developers.weixin.qq.com/doc/offiaccount/User_Management/Get_users_basic_information_UnionID.html
 * The first has a daily quota and every lookup spends part of the 5-second callback budget, so its
 * answers are cached per app-id and openId for 10 minutes (SPEC §4.3). A WeCom app's members are looked
 * up with WeCom's `cgi-bin/user/get?userid` instead (SPEC §8), cached the same way per app.
 * https://developer.work.weixin.qq.com/document/path/90196
 */
import type { ServiceConfig } from "../config/types";
import type { KvStore } from "../store/kv";
import type { WxApi } from "./client";
import { tokenIdOf } from "./token-manager";

export const USER_INFO_TTL_MS = 10 * 60 * 1000;

export type UserInfo = Record<string, unknown>;

/** The callback path's userInfo hook (callback/steps/userinfo): userInfo and userInfoError for a forwarded body; never throws. */
export type UserInfoLookup = (svc: ServiceConfig, openId: string) => Promise<{ userInfo: UserInfo | null; userInfoError: string }>;

export interface UserInfoOptions {
  /** where answers are remembered; without it every call asks WeChat */
  readonly cache?: KvStore;
  /** default 10 minutes */
  readonly ttlMs?: number;
}

/**
 * WeChat's `cgi-bin/user/info` answer for one follower, all fields as WeChat sent them; for a WeCom
 * app, WeCom's `cgi-bin/user/get` answer for one member (`openId` is the UserID), without its errcode.
 */
export async function getUserInfo(api: WxApi, svc: ServiceConfig, openId: string, opts: UserInfoOptions = {}): Promise<UserInfo> {
  const key = `userinfo:${tokenIdOf(svc)}:${openId}`;
  const cached = await opts.cache?.get(key).catch(() => null);
  if (cached) {
    try {
      return JSON.parse(cached) as UserInfo;
    } catch {
      /* unreadable entry: ask WeChat again */
    }
  }
  const info =
    svc.kind === "wecom"
      ? await getWecomUser(api, svc, openId)
      : await api.call<UserInfo>(svc, { path: "/cgi-bin/user/info", query: { openid: openId, lang: "zh_CN" } });
  // a cache that is down only costs a lookup; it never fails the caller
  await opts.cache?.set(key, JSON.stringify(info), opts.ttlMs ?? USER_INFO_TTL_MS).catch(() => {});
  return info;
}

async function getWecomUser(api: WxApi, svc: ServiceConfig, userId: string): Promise<UserInfo> {
  const { errcode: _, errmsg: __, ...member } = await api.call<UserInfo>(svc, { path: "/cgi-bin/user/get", query: { userid: userId } });
  return member;
}

/** `sns/userinfo` with the OAuth access_token from `sns/oauth2/access_token` (scope snsapi_userinfo). */
export function getSnsUserInfo(api: WxApi, oauthToken: string, openId: string): Promise<UserInfo> {
  return api.callPlain<UserInfo>({ path: "/sns/userinfo", query: { access_token: oauthToken, openid: openId, lang: "zh_CN" } });
}

/**
 * The callback path's userInfo hook (`UserInfoLookup`): never throws, a failure
 * becomes `userInfoError` and never blocks the message.
 */
export function createUserInfoLookup(api: WxApi, cache?: KvStore): UserInfoLookup {
  return async (svc, openId) => {
    try {
      return { userInfo: await getUserInfo(api, svc, openId, { cache }), userInfoError: "" };
    } catch (err) {
      return { userInfo: null, userInfoError: (err as Error).message };
    }
  };
}
