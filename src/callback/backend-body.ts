/**
 * @module callback/backend-body
 * Reads the backend's answer, at most `max` bytes of it. Whatever the backend sends becomes a reply
 * of at most a few KB (callback/steps/forward), so a larger answer is a backend fault: reading it whole
 * would hold it in memory per message (10 MB × 20 answers at once took 400 MB). An answer announced
 * larger by Content-Length is refused unread; one without (chunked, or compressed: the size that
 * counts is the decoded one) is read as a stream and cancelled as soon as it passes the limit, which
 * also ends an answer that never ends.
 */

export type BodyResult = { readonly ok: true; readonly json: unknown } | { readonly ok: false; readonly tooLarge: boolean; readonly reason: string };

export async function readJsonBounded(res: Response, max: number): Promise<BodyResult> {
  const length = res.headers.get("content-length");
  const encoding = res.headers.get("content-encoding");
  const plain = encoding === null || encoding === "identity";
  if (length !== null && plain && Number(length) > max) {
    void res.body?.cancel().catch(() => {});
    return overLimit(max);
  }
  let text: string;
  try {
    if (length !== null && plain) {
      // the common case: the client reads exactly Content-Length bytes, already known to fit
      text = await res.text();
    } else {
      const read = await readStream(res.body, max);
      if (read === null) return overLimit(max);
      text = read;
    }
  } catch (err) {
    return { ok: false, tooLarge: false, reason: `backend reply could not be read: ${(err as Error).message}` };
  }
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch {
    return { ok: false, tooLarge: false, reason: "backend reply is not valid JSON" };
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
