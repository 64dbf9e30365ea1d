/**
 * @module http/body
 * Reads a request body with a byte limit: 413 before reading when Content-Length is too big, and a
 * counted stream read (stopped at the limit) when the body is chunked.
 */
import { tooLarge } from "./errors";

const decoder = new TextDecoder();

/** Not async itself: the common case (Content-Length) hands back `request.text()` without an extra step. */
export function readBodyLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (Number(declared) > maxBytes) return Promise.reject(tooLarge(`body exceeds ${maxBytes} bytes`));
    return request.text(); // the server never delivers more than Content-Length
  }
  return readChunked(request, maxBytes);
}

async function readChunked(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(`body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return decoder.decode(Buffer.concat(chunks));
}
