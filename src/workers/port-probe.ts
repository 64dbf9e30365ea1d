/**
 * @module workers/port-probe
 * With `"workers": N` every worker binds its listeners with `reusePort` (SO_REUSEPORT), and the
 * kernel lets any other process that also asks for it bind the same port: a second gateway started
 * by mistake would then share the traffic silently instead of failing with "address in use" (exit 4)
 * as a single-worker gateway does. So before the workers start, the primary binds each configured
 * port once without `reusePort` and lets go of it at once: the bind fails if anything holds the port,
 * whether or not the holder uses SO_REUSEPORT.
 */

export interface Listener {
  /** what the listener is, for the error message: "", " (admin-listen)", … */
  readonly what: string;
  readonly host: string;
  readonly port: number;
}

/** The first listener whose port is already held, with the reason; null when every one is free. Port 0 is never held. */
export function heldPort(listeners: readonly Listener[]): string | null {
  for (const { what, host, port } of listeners) {
    if (port === 0) continue;
    try {
      Bun.serve({ hostname: host, port, reusePort: false, fetch: () => new Response(null, { status: 503 }) }).stop(true);
    } catch (err) {
      return `cannot listen on ${host}:${port}${what}: ${(err as Error).message}`;
    }
  }
  return null;
}
