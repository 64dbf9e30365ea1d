/**
 * @module wechat/reply-normalize
 * The backend's JSON answer (SPEC §4.4) → the reply to send, or the reason it becomes "success". The
 * contract's reply schemas (contract/reply) decide what a valid reply is: `type` selects one member of
 * the reply union, whose checker is compiled once, and the valid value is projected onto that
 * member's fields. Nothing here names a reply type: a new member of the union is normalised as is, and
 * a surface with replies of its own (a union with more members) gets its normaliser from `replyNormalizer`.
 */
import type { Static, TSchema } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import { type BackendReply, backendReplySchema, type SuccessReply } from "../contract/reply";

type Filled<T> = {
  readonly [K in keyof T]-?: Exclude<T[K], undefined> extends readonly (infer A)[] ? readonly Filled<A>[] : Exclude<T[K], undefined>;
};
/** One reply of the contract as sent: its type spelled out, every optional field (all strings) filled in, "" when absent. */
type Sendable<R> = R extends SuccessReply ? never : { readonly type: Exclude<R[keyof R & "type"], "" | null | undefined> } & Filled<Omit<R, "type">>;

/** What a reply union normalises to: one of its replies, or "success" with why the backend chose it. */
export type SentReply<R> = Sendable<R> | { readonly type: "success"; readonly why: string };

/**
 * A valid backend reply, in the shape the customer-service API needs too (async-reply): e.g.
 * `{type: "text", msg}`, `{type: "video", msg, title, desc}`, `{type: "news", articles}` — or
 * `{type: "success", why}` when the backend chose not to reply (`type: "success"`, or an empty `msg`).
 */
export type NormalizedReply = SentReply<BackendReply>;

/**
 * The projection of a value valid by `schema`, as JavaScript source: the fields `schema` declares
 * (extra keys stay behind; an object without declared fields, a record, is kept whole), an absent
 * optional string as "". A reply's own `type` is given rather than copied, since the backend may have
 * left it out. Compiled once per reply type, like its checker, so each reply is one object literal.
 */
function projection(schema: TSchema, at: string, depth: number, type?: string): string {
  if (schema.type === "array") return `${at}.map((a${depth}) => ${projection(schema.items as TSchema, `a${depth}`, depth + 1)})`;
  if (schema.type !== "object") return `(${at} === undefined ? "" : ${at})`;
  const properties = schema.properties as Record<string, TSchema> | undefined;
  if (properties === undefined) return at;
  const fields = Object.keys(properties)
    .filter((key) => key !== "type")
    .map((key) => `${JSON.stringify(key)}: ${projection(properties[key]!, `${at}[${JSON.stringify(key)}]`, depth)}`);
  return `({ ${type === undefined ? "" : `type: ${JSON.stringify(type)}, `}${fields.join(", ")} })`;
}

interface Member {
  readonly type: string;
  readonly check: TypeCheck<TSchema>;
  readonly project: (value: unknown) => unknown;
}

/** The values `schema` allows: its literal, or its members' (null for Null). */
const literalsOf = (schema: TSchema): unknown[] =>
  schema.anyOf ? (schema.anyOf as TSchema[]).flatMap(literalsOf) : schema.type === "null" ? [null] : [schema.const];

/** Each member of `union` by every `type` value it accepts; undefined for the one whose type may be left out. */
function membersOf(union: TSchema): Map<unknown, Member> {
  const members = new Map<unknown, Member>();
  for (const schema of union.anyOf as TSchema[]) {
    const values = literalsOf((schema.properties as Record<string, TSchema>).type!);
    const type = values[0] as string;
    const project = new Function("v", `return ${projection(schema, "v", 0, type)};`) as Member["project"];
    const member: Member = { type, check: TypeCompiler.Compile(schema), project };
    for (const value of values) members.set(value, member);
    if (!(schema.required as string[] | undefined)?.includes("type")) members.set(undefined, member);
  }
  return members;
}

const BACKEND_SUCCESS = Object.freeze({ type: "success", why: "backend asked for success" } as const);

/**
 * The normaliser of a union of reply objects told apart by `type` (as `backendReplySchema`): the
 * reply, or a reason for answering "success". A `msg` of "" means "do not reply" (SPEC §4.4).
 */
export function replyNormalizer<U extends TSchema>(union: U): (body: unknown) => SentReply<Static<U>> | string {
  const members = membersOf(union);
  return (body) => {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "reply is not a JSON object";
    const b = body as Record<string, unknown>;
    const member = members.get(b.type);
    if (member === undefined) return `unknown reply type ${JSON.stringify(b.type)}`;
    if (!member.check.Check(b)) return reasonOf(member, b);
    if (member.type === "success") return BACKEND_SUCCESS;
    if (b.msg === "") return { type: "success", why: `empty msg for ${member.type} reply` };
    return member.project(b) as SentReply<Static<U>>;
  };
}

/** Validates the backend's JSON answer to an Official Account message; returns the reply or a reason for answering "success". */
export const normalizeReply: (body: unknown) => NormalizedReply | string = replyNormalizer(backendReplySchema);

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
