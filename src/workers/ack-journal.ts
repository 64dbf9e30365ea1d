/**
 * @module workers/ack-journal
 * A worker's journal of the messages it answered `success` for before their backend call was over
 * (callback/ack-journal): each is posted to the primary when it is answered and again when its
 * backend call is over. When the worker ends unexpectedly, the primary hands what is still open to
 * its successor (workers/primary), which runs each again (at least once: one that was at the backend
 * when its worker ended reaches it twice). Only messages past their deadline are journaled, so the
 * hot path posts nothing.
 */
import type { AckJournal } from "../callback/ack-journal";
import type { Acknowledged, ToPrimary } from "./protocol";

export function createWorkerJournal(post: (message: ToPrimary) => void): AckJournal {
  const ids = new WeakMap<object, number>();
  let next = 0;
  return {
    acknowledged(flight, service, msg) {
      const id = ++next;
      ids.set(flight, id);
      post({ t: "acknowledged", id, message: { service, msg } });
    },
    settled(flight) {
      const id = ids.get(flight);
      if (id === undefined) return;
      ids.delete(flight);
      post({ t: "settled", id });
    },
  };
}

/** The primary's side: each worker's open entries, and what to hand on when one ends. */
export class Journals {
  private readonly open = new Map<number, Map<number, Acknowledged>>();

  /** a message of the primary's that concerns the journal; false for any other */
  take(worker: number, message: ToPrimary): boolean {
    if (message.t === "acknowledged") {
      let entries = this.open.get(worker);
      if (!entries) this.open.set(worker, (entries = new Map()));
      entries.set(message.id, message.message);
      return true;
    }
    if (message.t === "settled") {
      this.open.get(worker)?.delete(message.id);
      return true;
    }
    return false;
  }

  /** what `worker` left open, forgotten here (it ended) */
  leftBy(worker: number): Acknowledged[] {
    const entries = this.open.get(worker);
    this.open.delete(worker);
    return entries ? [...entries.values()] : [];
  }
}
