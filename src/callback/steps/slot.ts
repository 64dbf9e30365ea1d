/**
 * @module callback/steps/slot
 * The slot steps: a `workerNum` slot for the backend call (callback/limiter). A message is
 * admitted first — counted until it leaves its slot, so shutdown waits for it (callback/drain) — and
 * refused with 503 once the service drains, so that WeChat sends it again, to this gateway's
 * successor. It takes a slot after its userInfo lookup, which holds none.
 */
import { GatewayError } from "../../http/errors";
import type { FlightStep } from "../flight";

export const admit: FlightStep = (f) => {
  if (!f.rt.limiter.admit()) return f.fail(new GatewayError(503, "shutting down: message refused so that WeChat sends it again"));
  f.proceed();
};

/** Waits for a slot in arrival order; the limiter calls the flight's `run()` (its next step) on it. */
export const takeSlot: FlightStep = (f) => f.rt.limiter.enter(f);

/** Gives the slot to the next waiting message, however the backend call ended. */
export const leaveSlot: FlightStep = (f) => {
  f.rt.limiter.release();
  f.proceed();
};
