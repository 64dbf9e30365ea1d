/**
 * @module wechat/reply-normalize
 * The backend's JSON answer (SPEC §4.4) → the reply to send, or the reason it becomes "success". The
 * contract's reply schemas (contract/reply) decide what a valid reply is: `type` selects one member of
 * `backendReplySchema`, whose checker is compiled once, and the valid value is projected onto that
 * member's fields. Nothing here names a reply type: a new member of the union is normalised as is.
 */
import type { TSchema } from "@sinclair/typebox";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { backendReplySchema, type BackendReply, type SuccessReply } from "../contract/reply";

type Filled<T> = {
  readonly [K in keyof T]-?: Exclude<T[K], undefined> extends readonly (infer A)[] ? readonly Filled<A>[] : Exclude<T[K], undefined>;
};
/** One reply of the contract as sent: its type spelled out, every optional field (all strings) filled in, "" when absent. */
type Sendable<R> = R extends SuccessReply ? never : { readonly type: Exclude<R[keyof R & "type"], "" | null | undefined> } & Filled<Omit<R, "type">>;

/**
 * A valid backend reply, in the shape the customer-service API needs too (async-reply): e.g.
 * `{type: "text", msg}`, `{type: "video", msg, title, desc}`, `{type: "news", articles}` — or
 * `{type: "success", why}` when the backend chose not to reply (`type: "success"`, or an empty `msg`).
 */
export type NormalizedReply = Sendable<BackendReply> | { readonly type: "success"; readonly why: string };

/**
 * The projection of a value valid by `schema`, as JavaScript source: the fields `schema` declares
 * (extra keys stay behind), an absent optional string as "". A reply's own `type` is given rather
 * than copied, since the backend may have left it out. Compiled once per reply type, like its checker,
 * so each reply is one object literal of a fixed shape.
 */
function projection(schema: TSchema, at: string, depth: number, type?: string): string {
  if (schema.type === "array") return `${at}.map((a${depth}) => ${projection(schema.items as TSchema, `a${depth}`, depth + 1)})`;
  if (schema.type !== "object") return `(${at} === undefined ? "" : ${at})`;
  const properties = schema.properties as Record<string, TSchema>;
  const fields = Object.keys(properties)
    .filter((key) => key !== "type")
    .map((key) => `${JSON.stringify(key)}: ${projection(properties[key]!, `${at}[${JSON.stringify(key)}]`, depth)}`);
  return `({ ${type === undefined ? "" : `type: ${JSON.stringify(type)}, `}${fields.join(", ")} })`;
}

interface Member {
  readonly type: string;
  readonly check: TypeCheck<TSchema>;
  readonly project: (value: unknown) => NormalizedReply;
}

/** The values `schema` allows: its literal, or its members' (null for Null). */
const literalsOf = (schema: TSchema): unknown[] =>
  schema.anyOf ? (schema.anyOf as TSchema[]).flatMap(literalsOf) : schema.type === "null" ? [null] : [schema.const];

/** Each union member by every `type` value it accepts; undefined for the one whose type may be left out. */
const MEMBERS = new Map<unknown, Member>();
for (const schema of backendReplySchema.anyOf as TSchema[]) {
  const typeSchema = (schema.properties as Record<string, TSchema>).type!;
  const values = literalsOf(typeSchema);
  const type = values[0] as string;
  const member: Member = { type, check: TypeCompiler.Compile(schema), project: new Function("v", `return ${projection(schema, "v", 0, type)};`) as Member["project"] };
  for (const value of values) MEMBERS.set(value, member);
  if (!(schema.required as string[] | undefined)?.includes("type")) MEMBERS.set(undefined, member);
}

const BACKEND_SUCCESS: NormalizedReply = Object.freeze({ type: "success", why: "backend asked for success" });

/** Validates the backend's JSON; returns the reply or a reason for answering "success". */
export function normalizeReply(body: unknown): NormalizedReply | string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "reply is not a JSON object";
  const b = body as Record<string, unknown>;
  const member = MEMBERS.get(b.type);
  if (member === undefined) return `unknown reply type ${JSON.stringify(b.type)}`;
  if (!member.check.Check(b)) return reasonOf(member, b);
  if (member.type === "success") return BACKEND_SUCCESS;
  // the contract: an empty msg means "do not reply"
  if (b.msg === "") return { type: "success", why: `empty msg for ${member.type} reply` };
  return member.project(b);
}

/** The first thing the schema refuses, by field; the value is not quoted. */
function reasonOf(member: Member, body: unknown): string {
  const error = member.check.Errors(body).First();
  const field = error?.path.slice(1).replaceAll("/", ".") || "reply";
  const schema = error?.schema;
  // a list whose length is bounded (news articles): the bounds say it best, whatever is wrong with it
  if (schema?.type === "array" && (schema.minItems !== undefined || schema.maxItems !== undefined)) {
    const bounds = schema.maxItems === undefined ? `at least ${schema.minItems}` : `${schema.minItems ?? 0} to ${schema.maxItems}`;
    return `${member.type} reply needs ${bounds} ${field}`;
  }
  return `${member.type} reply: ${field}: ${error?.message ?? "invalid"}`;
}
