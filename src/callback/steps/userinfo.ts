/**
 * @module callback/steps/userinfo
 * The userInfo step (unless `dont-append-userinfo`): adds `userInfo`/`userInfoError` to the forwarded
 * message before it takes a backend slot — workerNum bounds backend calls, and a slow user/info must
 * not hold them. The lookup gets at most USERINFO_SHARE of the reply deadline, counted from the
 * request's arrival; messages from one user while a lookup for them is in flight wait for that lookup
 * instead of starting another (each within its own budget). A failure is a userInfoError, never a
 * lost message.
 */

import type { Deadline } from "../../util/deadlines";
import type { InboundMessage } from "../../wechat/message";
import type { UserInfoLookup } from "../../wxapi/user";
import { USERINFO_SHARE, type UserInfoAnswer } from "../core";
import type { Flight, FlightStep } from "../flight";
import type { ServiceRuntime } from "../runtime";

export const addUserInfo: FlightStep = (f) => {
  // without userInfo the step is a pass-through: no extra async step per message
  const lookup = f.rt.config.dontAppendUserinfo ? undefined : f.rt.deps.userInfo;
  if (lookup === undefined) return f.proceed();
  void lookUpThenNext(f, lookup);
};

async function lookUpThenNext(f: Flight, lookup: UserInfoLookup): Promise<void> {
  const { rt } = f;
  const shareMs = Math.floor(rt.config.replyTimeoutMs * USERINFO_SHARE);
  try {
    f.msg = await withUserInfo(f.msg, rt, lookup, Math.max(0, f.startedMs + shareMs - rt.deps.now()), shareMs);
  } catch (err) {
    f.msg = { ...f.msg, userInfo: null, userInfoError: (err as Error).message };
  }
  f.proceed();
}

/** The message with userInfo/userInfoError, within `budgetMs` (the error names `shareMs` when it passes). */
export async function withUserInfo(
  msg: InboundMessage,
  rt: ServiceRuntime,
  lookup: UserInfoLookup,
  budgetMs: number,
  shareMs: number,
): Promise<InboundMessage> {
  const openId = msg.FromUserName;
  if (!openId) return { ...msg, userInfo: null, userInfoError: "no FromUserName" };
  let deadline: Deadline | undefined;
  const timeout = new Promise<UserInfoAnswer>((resolve) => {
    deadline = rt.core.deadlines.add(budgetMs, () => resolve({ userInfo: null, userInfoError: `user info lookup exceeded ${shareMs} ms` }));
  });
  try {
    const info = await Promise.race([sharedLookup(rt, lookup, openId), timeout]);
    return { ...msg, userInfo: info.userInfo, userInfoError: info.userInfoError };
  } finally {
    deadline?.cancel();
  }
}

function sharedLookup(rt: ServiceRuntime, lookup: UserInfoLookup, openId: string): Promise<UserInfoAnswer> {
  const lookups = rt.core.userInfoLookups;
  const key = `${rt.config.name}:${openId}`;
  let pending = lookups.get(key);
  if (pending === undefined) {
    pending = lookup(rt.config, openId).catch((err: Error) => ({ userInfo: null, userInfoError: err.message }));
    lookups.set(key, pending);
    void pending.then(() => lookups.delete(key));
  }
  return pending;
}
