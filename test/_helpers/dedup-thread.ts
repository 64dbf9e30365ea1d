/**
 * @module test/_helpers/dedup-thread
 * A worker thread for the shared dedup table's tests: as worker `worker` it claims `keys` keys of the
 * shared table it is sent, finishes every claim it won with its own id as the reply, and reports how
 * many it claimed.
 */
import { Found, type SharedDedupMemory, SharedReplyTable } from "../../src/workers/shared-reply-table";

declare const self: Worker;

self.onmessage = (e: MessageEvent<{ memory: SharedDedupMemory; worker: number; keys: number }>) => {
  const { memory, worker, keys } = e.data;
  const table = new SharedReplyTable(memory, worker, 60_000, Date.now);
  let claimed = 0;
  for (let k = 0; k < keys; k++) {
    if (table.claim(`m:${k}`) !== Found.Claimed) continue;
    claimed++;
    table.finish(`m:${k}`, table.claimAt, table.claimId, `w${worker}`);
  }
  postMessage({ claimed });
};
