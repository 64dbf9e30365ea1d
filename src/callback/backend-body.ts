/**
 * @module callback/backend-body
 * Reads the backend's answer, at most `max` bytes of it. Whatever the backend sends becomes a reply
 * of at most a few KB (callback/steps/forward), so a larger answer is a backend fault: reading it whole
 * would hold it in memory per message (10 MB × 20 answers at once took 400 MB). An answer announced
 * larger by Content-Length is refused unread; one without (chunked, or compressed: the size that
 * counts is the decoded one) is read as a stream and cancelled as soon as it passes the limit, which
 * also ends an answer that never ends.
 *
 * The common answer, a few bytes with a Content-Length, is read by the caller itself (`announcedSize`
 * says it fits, then `res.json()` and `unparsed` for its failure): the forward step runs as one async
 * function, and every nested one it awaited cost throughput (docs/performance.md).
 */

export type BodyResult = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly tooLarge: boolean; readonly reason: string };

/**
 * What Content-Length says of the answer against `max`: "fits" for a plain (not compressed) answer of
 * 1 to `max` bytes (`res.json()` reads it whole), "over" for a plain one over `max` (refused unread),
 * "unknown" for no length, a compressed or an empty body (`readJsonBounded` counts the bytes as they come).
 */
export type Announced = "fits" | "over" | "unknown";

export function announcedSize(res: Response, max: number): Announced {
  const length = res.headers.get("content-length");
  const encoding = res.headers.get("content-encoding");
  if (length === null || (encoding !== null && encoding !== "identity")) return "unknown";
  const bytes = Number(length);
  if (bytes > max) return "over";
  // Bun's json() of an empty body is null, not the error JSON.parse("") gives: the stream path reads it
  return bytes > 0 ? "fits" : "unknown";
}

export const NOT_JSON = "backend reply is not valid JSON";

/** The result for a failed read of an answer: `res.json()` fails with a SyntaxError for the text, with any other error for the read. */
export const unparsed = (err: unknown): BodyResult & { readonly ok: false } => ({
  ok: false,
  tooLarge: false,
  reason: err instanceof SyntaxError ? NOT_JSON : `backend reply could not be read: ${(err as Error).message}`,
});

/** An answer of any size, read up to `max` bytes and parsed (what the caller does not read itself). */
export async function readJsonBounded(res: Response, max: number): Promise<BodyResult> {
  const size = announcedSize(res, max);
  if (size === "over") {
    void res.body?.cancel().catch(() => {});
    return overLimit(max);
  }
  let text: string;
  try {
    if (size === "fits") {
      // the client reads exactly Content-Length bytes, already known to fit
      text = await res.text();
    } else {
      const read = await readStream(res.body, max);
      if (read === null) return overLimit(max);
      text = read;
    }
  } catch (err) {
    return unparsed(err);
  }
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch (err) {
    return unparsed(err);
  }
}

function overLimit(max: number): BodyResult {
  return { ok: false, tooLarge: true, reason: `backend reply over ${max} bytes: refused` };
}

/** The stream's text, or null (and the stream cancelled) once it passes `max` bytes. */
async function readStream(body: ReadableStream<Uint8Array> | null, max: number): Promise<string | null> {
  if (body === null) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      void reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
}
