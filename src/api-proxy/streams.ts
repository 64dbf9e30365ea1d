/**
 * @module api-proxy/streams
 * Bodies stream through the proxy in both directions; two small taps on them make the token retry
 * possible without buffering what need not be buffered:
 * - `keepBody`: the request body flows upstream as it arrives while a copy is kept, up to a limit
 *   (the service's `max-body-bytes`). A request whose whole body fit can be sent again after a token
 *   error; a larger upload cannot (WeChat's answer is then passed on as is).
 * - `peekAnswer`: a JSON or text answer is read up to a limit to find its errcode (WeChat's errors
 *   are small JSON, also from media APIs); media and anything larger flow on unread.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

export interface KeptBody {
  /** what to send upstream (null: no body) */
  readonly stream: ReadableStream<Uint8Array> | null;
  /** the whole body once it has been read to its end within the limit; null otherwise */
  kept(): Uint8Array | null;
}

const EMPTY = new Uint8Array(0);

export function keepBody(body: ReadableStream<Uint8Array> | null, maxBytes: number): KeptBody {
  if (body === null) return { stream: null, kept: () => EMPTY };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (size <= maxBytes) {
        size += chunk.byteLength;
        if (size <= maxBytes) chunks.push(chunk.slice());
        else chunks.length = 0;
      }
      controller.enqueue(chunk);
    },
    flush() {
      complete = true;
    },
  });
  return { stream: body.pipeThrough(tap), kept: () => (complete && size <= maxBytes ? Buffer.concat(chunks) : null) };
}

export interface PeekedAnswer {
  /** the answer's body for the caller, read or not */
  readonly body: ReadableStream<Uint8Array> | Uint8Array | null;
  /** WeChat's errcode (0 for a JSON answer without one); undefined when the body was not read or is not JSON */
  readonly errcode: number | undefined;
}

/** Answers worth reading for an errcode: JSON, text (WeChat sends some errors as text/plain) or untyped. */
export function mayCarryErrcode(contentType: string | null): boolean {
  return !contentType || contentType.includes("json") || contentType.startsWith("text/");
}

export async function peekAnswer(answer: Response, maxBytes: number): Promise<PeekedAnswer> {
  if (answer.body === null) return { body: null, errcode: undefined };
  const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) return { body: resumed(chunks, reader), errcode: undefined };
  }
  const bytes = Buffer.concat(chunks);
  return { body: bytes, errcode: errcodeOf(bytes, answer.headers.get("content-encoding")) };
}

/** The part of a stream reader used here (Bun's and node:stream/web's reader types differ). */
interface ChunkReader {
  read(): Promise<{ done: true; value?: Uint8Array } | { done: false; value: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
}

/** The chunks already read, then the rest of the reader. */
function resumed(head: Uint8Array[], reader: ChunkReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = head.shift();
      if (next) return controller.enqueue(next);
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

const DECODERS: Record<string, (b: Uint8Array) => Uint8Array> = { gzip: gunzipSync, "x-gzip": gunzipSync, deflate: inflateSync, br: brotliDecompressSync };

/** The errcode of a JSON body (decoded for reading only; the caller gets the bytes as they came). */
export function errcodeOf(bytes: Uint8Array, encoding: string | null): number | undefined {
  try {
    const coding = encoding?.trim().toLowerCase();
    const decode = coding && coding !== "identity" ? DECODERS[coding] : undefined;
    if (coding && coding !== "identity" && !decode) return undefined;
    const text = new TextDecoder().decode(decode ? decode(bytes) : bytes);
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    const code = (parsed as { errcode?: unknown }).errcode;
    return typeof code === "number" ? code : typeof code === "string" && /^-?\d+$/.test(code) ? Number(code) : 0;
  } catch {
    return undefined;
  }
}
