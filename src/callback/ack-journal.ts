/**
 * @module callback/ack-journal
 * The messages WeChat was answered `success` for at their deadline while their backend call was still
 * to come (callback/steps/reply): WeChat will not send them again, so they must not be lost with the
 * thread that holds them. A worker thread journals them with the primary, which hands a worker's
 * journal to its successor when it ends unexpectedly (workers/ack-journal); the successor runs each
 * as a late flight (callback/spine `resumeAcknowledged`). A single process keeps no journal: what it
 * holds in memory ends with it, and SIGTERM and reload wait for these messages (callback/drain).
 */
import type { InboundMessage } from "../wechat/message";

/** Keyed by the message's flight (any object that lives as long as the message does). */
export interface AckJournal {
  /** `msg` of `service` was answered before its backend call was over */
  acknowledged(flight: object, service: string, msg: InboundMessage): void;
  /** its backend call is over, answered or failed (the late reply step) */
  settled(flight: object): void;
}
