/**
 * @module util/window-map
 * A map whose entries are forgotten after a time window, without a timer per entry: two generations,
 * rotated every window, so an entry lives at least one window and at most two, and memory stays bounded
 * by the traffic of two windows.
 */

export class WindowMap<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private rotatedAt: number;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.rotatedAt = now();
  }

  private rotate(): void {
    const elapsed = this.now() - this.rotatedAt;
    if (elapsed < this.windowMs) return;
    this.previous = elapsed >= 2 * this.windowMs ? new Map() : this.current;
    this.current = new Map();
    this.rotatedAt = this.now();
  }

  get(key: string): V | undefined {
    this.rotate();
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: string, value: V): void {
    this.rotate();
    this.current.set(key, value);
    this.previous.delete(key);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }
}
