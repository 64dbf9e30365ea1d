/**
 * @module contract/fields
 * The fields a callback parser enforces by name, at any depth, read off the schemas: the integers
 * (`count`: CreateTime, Scale, Count, …), the ids (`idString`: MsgId, MsgID, order_id, …) and the
 * merchant ids (`textId`). The XML parser (wechat/message), the Channels parser (wechat/channels) and
 * `wx-gateway simulate` read these maps, so marking a field in a schema is all it takes to enforce it.
 */
import type { TSchema } from "@sinclair/typebox";
import { channelsEventSchemas, genericChannelsEventSchema } from "./channels";
import { FIELD_ROLE, type FieldRole } from "./common";
import { eventSchemas, genericEventSchema } from "./events";
import { genericMessageSchema, messageSchemas } from "./messages";

export type { FieldRole } from "./common";

/**
 * Every property with a role in `schemas` (nested objects, arrays and unions included), by name.
 * Throws when one name has two roles: a parser applies the role by name, wherever the field is.
 */
export function fieldRoles(schemas: Iterable<TSchema>): ReadonlyMap<string, FieldRole> {
  const roles = new Map<string, FieldRole>();
  const visit = (schema: TSchema): void => {
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, TSchema>)) {
      const role = (property as { [FIELD_ROLE]?: FieldRole })[FIELD_ROLE];
      const had = roles.get(name);
      if (role !== undefined && had !== undefined && had !== role) throw new Error(`contract: field ${name} is both ${had} and ${role}`);
      if (role !== undefined) roles.set(name, role);
      visit(property);
    }
    if (schema.items !== undefined && !Array.isArray(schema.items)) visit(schema.items as TSchema);
    for (const member of (schema.anyOf ?? []) as TSchema[]) visit(member);
  };
  for (const schema of schemas) visit(schema);
  return roles;
}

/** Official Account messages and events (XML): integers and ids. */
export const xmlFields: ReadonlyMap<string, FieldRole> = fieldRoles([
  ...Object.values(messageSchemas),
  genericMessageSchema,
  ...Object.values(eventSchemas),
  genericEventSchema,
]);

/** Channels shop events (JSON). */
export const channelsFields: ReadonlyMap<string, FieldRole> = fieldRoles([...Object.values(channelsEventSchemas), genericChannelsEventSchema]);

/** The names with `role` in `fields`. */
export const namesWith = (fields: ReadonlyMap<string, FieldRole>, role: FieldRole): ReadonlySet<string> =>
  new Set([...fields].filter(([, r]) => r === role).map(([name]) => name));
