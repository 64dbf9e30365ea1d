/**
 * @module callback/core
 * What the callback path of one gateway shares across its services, built once per gateway on an
 * injected clock: the deadline queue (reply deadlines, userInfo budgets, the backend's hard timeout),
 * the backend's shared abort leases on it, the userInfo lookups in flight (so messages from one user
 * at the same time share one request), and the late replies being sent. Nothing here is a module
 * singleton: two gateways in one process (tests) share no timers, and a fake clock drives them all.
 */
import { DeadlineQueue, systemClock, type TimerClock } from "../util/deadlines";
import { Tally } from "../util/tally";
import { type BackendAborts, createBackendAborts } from "./backend-abort";

/** A backend that never answers must not hold sockets forever, even with async-reply. */
export const BACKEND_HARD_TIMEOUT_MS = 30_000;
/** fetches started within this long share one abort controller (callback/backend-abort) */
export const BACKEND_ABORT_GRANULARITY_MS = 1000;
/** user/info gets at most this share of the reply deadline, counted from the request's arrival */
export const USERINFO_SHARE = 0.4;

export type UserInfoAnswer = { readonly userInfo: Record<string, unknown> | null; readonly userInfoError: string };

export interface CallbackCore {
  readonly clock: TimerClock;
  readonly deadlines: DeadlineQueue;
  readonly backendAborts: BackendAborts;
  /** user/info lookups in flight by `<app-id>:<openId>`; an entry leaves when its lookup settles */
  readonly userInfoLookups: Map<string, Promise<UserInfoAnswer>>;
  /** late or oversized replies on their way through the customer-service API */
  readonly asyncSends: Tally;
}

export function createCallbackCore(clock: TimerClock = systemClock): CallbackCore {
  const deadlines = new DeadlineQueue(clock);
  return {
    clock,
    deadlines,
    backendAborts: createBackendAborts({
      timeoutMs: BACKEND_HARD_TIMEOUT_MS,
      granularityMs: BACKEND_ABORT_GRANULARITY_MS,
      queue: deadlines,
      now: clock.now,
    }),
    userInfoLookups: new Map(),
    asyncSends: new Tally(),
  };
}
