/**
 * @module test/_helpers/contract
 * Small helpers for the contract tests: the backend path of a forwarded body and a walk over every
 * subschema of a JSON Schema document.
 */

/** The backend path a forwarded body is POSTed to: /event/<Event> for events, /msg/<MsgType> otherwise. */
export function pathOf(body: Record<string, unknown>): string {
  return body.MsgType === "event" ? `/event/${String(body.Event)}` : `/msg/${String(body.MsgType)}`;
}

type Node = Record<string, unknown>;

/** Every schema node in a JSON Schema document (properties, items, anyOf members), the root first. */
export function* walkSchemas(node: Node): Generator<Node> {
  yield node;
  const children: unknown[] = [
    ...Object.values((node.properties as Record<string, unknown> | undefined) ?? {}),
    ...((node.anyOf as unknown[] | undefined) ?? []),
    node.items,
  ];
  for (const child of children) if (typeof child === "object" && child !== null) yield* walkSchemas(child as Node);
}

/** A copy of `body` without `key`. */
export function without(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _, ...rest } = body;
  return rest;
}
