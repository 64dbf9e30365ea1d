/**
 * @module workers/rpc
 * A worker's calls to the primary: `call(op, ...args)` posts `{t: "call", id, op, args}` and resolves
 * with the primary's `result` of the same id. Values are structured-cloned; an error comes back as its
 * message (the primary never puts a secret in one, as everywhere else).
 */
import type { CallOp, ToPrimary, ToWorker } from "./protocol";

/** Both ends of a worker's link to the primary (the worker's global scope, or a MessagePort in tests). */
export interface Link {
  post(message: ToPrimary): void;
  /** every message from the primary */
  listen(handler: (message: ToWorker) => void): void;
}

export interface Rpc {
  call<T>(op: CallOp, ...args: unknown[]): Promise<T>;
  /** The link's messages that are not results (drain, collect, reload). */
  onMessage(handler: (message: Exclude<ToWorker, { t: "result" }>) => void): void;
  readonly link: Link;
}

export class PrimaryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrimaryError";
  }
}

export function createRpc(link: Link): Rpc {
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const handlers: Array<(message: Exclude<ToWorker, { t: "result" }>) => void> = [];
  link.listen((message) => {
    if (message.t !== "result") {
      for (const handler of handlers) handler(message);
      return;
    }
    const call = waiting.get(message.id);
    if (!call) return;
    waiting.delete(message.id);
    if (message.ok) call.resolve(message.value);
    else call.reject(new PrimaryError(message.error ?? "the primary failed"));
  });
  return {
    link,
    call<T>(op: CallOp, ...args: unknown[]): Promise<T> {
      const id = ++next;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        link.post({ t: "call", id, op, args });
      });
    },
    onMessage(handler) {
      handlers.push(handler);
    },
  };
}
