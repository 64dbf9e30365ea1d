/**
 * @module util/tally
 * A count of work in progress, with a way to wait until none is left: a generation's requests
 * (ops/generation), the late replies on their way out (callback/core).
 */

/** A count of work in progress, with a way to wait until none is left. */
export class Tally {
  private n = 0;
  private idle: Array<() => void> = [];

  get count(): number {
    return this.n;
  }

  add(): void {
    this.n++;
  }

  done(): void {
    if (this.n > 0 && --this.n === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** resolves when the count is zero */
  whenIdle(): Promise<void> {
    return this.n === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}
