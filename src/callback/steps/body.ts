/**
 * @module callback/steps/body
 * The body step: the body within the service's byte limit (http/body: 413).
 */
import { withinBodyLimit } from "../../http/body";
import type { ServiceRuntime } from "../runtime";

/** The body text when it is within the service's limit; 413 otherwise. */
export function withinLimit(text: string, rt: ServiceRuntime): string {
  return withinBodyLimit(text, rt.config.maxBodyBytes);
}

