/**
 * workers/ack-journal: a worker posts each message answered before its backend call (and its end) to
 * the primary; the primary keeps each worker's open entries and hands them on when the worker ends.
 */
import { describe, expect, test } from "bun:test";
import { createWorkerJournal, Journals } from "../../src/workers/ack-journal";
import type { ToPrimary } from "../../src/workers/protocol";

const entry = (service: string, content: string) => ({ key: {}, service, msg: { MsgType: "text", Content: content } });

describe("ack journal", () => {
  test("a worker's acknowledged and settled messages reach the primary's journal; what stays open is handed on once", () => {
    const primary = new Journals();
    const posted: ToPrimary[] = [];
    const journal = createWorkerJournal((m) => (posted.push(m), primary.take(2, m)));
    const [a, b, c] = [entry("svc", "a"), entry("svc", "b"), entry("other", "c")];
    for (const e of [a, b, c]) journal.acknowledged(e.key, e.service, e.msg);
    journal.settled(a.key);
    journal.settled(a.key); // settled twice: posted once
    journal.settled({}); // never acknowledged: nothing to settle
    expect(posted.map((m) => m.t)).toEqual(["acknowledged", "acknowledged", "acknowledged", "settled"]);
    expect(primary.leftBy(1)).toEqual([]);
    expect(primary.leftBy(2)).toEqual([
      { service: "svc", msg: { MsgType: "text", Content: "b" } },
      { service: "other", msg: { MsgType: "text", Content: "c" } },
    ]);
    expect(primary.leftBy(2)).toEqual([]);
  });

  test("the primary's journal takes only journal messages", () => {
    const primary = new Journals();
    expect(primary.take(1, { t: "ready", ports: {} })).toBe(false);
    expect(primary.take(1, { t: "settled", id: 9 })).toBe(true);
  });
});
