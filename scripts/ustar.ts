/**
 * @module scripts/ustar
 * A minimal POSIX ustar writer for small archives whose owners and modes must be exact (the image's
 * layout.tar): no dependency on which tar is installed, and the same bytes for the same entries (fixed
 * mtime), so an image layer made from it is identical from one build to the next.
 */

export interface TarEntry {
  /** relative path; directories end with "/" */
  readonly path: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** file content; omitted for directories */
  readonly content?: string | Uint8Array;
}

const BLOCK = 512;
const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function header(entry: TarEntry, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, text: string) => block.set(encoder.encode(text), offset);
  if (encoder.encode(entry.path).length > 100) throw new Error(`tar path longer than 100 bytes: ${entry.path}`);
  put(0, entry.path);
  put(100, octal(entry.mode, 8));
  put(108, octal(entry.uid, 8));
  put(116, octal(entry.gid, 8));
  put(124, octal(size, 12));
  put(136, octal(0, 12)); // mtime: the epoch, for identical bytes on every build
  put(148, "        "); // the checksum is computed with its own field as spaces
  put(156, entry.path.endsWith("/") ? "5" : "0");
  put(257, "ustar\0");
  put(263, "00");
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** The archive's bytes: each entry's header and content padded to 512 bytes, then two zero blocks. */
export function ustar(entries: readonly TarEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const data = typeof entry.content === "string" ? encoder.encode(entry.content) : (entry.content ?? new Uint8Array());
    parts.push(header(entry, data.length), data, new Uint8Array((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
