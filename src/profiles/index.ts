/**
 * @module profiles
 * The registry of push surfaces: which profile a service's callbacks follow. A new surface is one
 * profile file and one line in PROFILES (and its name in config/schema's SERVICE_KINDS, which `kind` selects).
 */
import type { ServiceConfig } from "../config/types";
import { createChannelsEcProfile } from "./channels-ec";
import { createMiniProgramProfile } from "./mini-program";
import { createOfficialAccountProfile } from "./official-account";
import type { PushProfile } from "./profile";
import { createWecomProfile } from "./wecom";

export type { DecodedBody, PushProfile, Query, SignedQuery } from "./profile";

const PROFILES = {
  "official-account": createOfficialAccountProfile,
  "channels-ec": createChannelsEcProfile,
  "mini-program": createMiniProgramProfile,
  wecom: createWecomProfile,
} satisfies Record<string, (svc: ServiceConfig) => PushProfile>;

export type ProfileKind = keyof typeof PROFILES;

/** The surface a service is configured for. */
export function profileKindOf(svc: ServiceConfig): ProfileKind {
  return svc.kind;
}

/** The profile of one service, built once at start (its AES key decoded here: a bad key fails then). */
export function createProfile(svc: ServiceConfig): PushProfile {
  return PROFILES[profileKindOf(svc)](svc);
}
