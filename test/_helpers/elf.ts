/**
 * @module test/_helpers/elf
 * Reads what an executable was built for from its ELF header (machine) and its PT_INTERP program
 * header (the libc loader), so executables for other machines can be checked without running them.
 */
import { closeSync, openSync, readSync } from "node:fs";

/** e_machine: EM_X86_64 (0x3e) and EM_AARCH64 (0xb7) */
const MACHINES: Record<number, string> = { 62: "x86-64", 183: "aarch64" };
const PT_INTERP = 3;

export interface ElfInfo {
  readonly machine: string;
  /** the dynamic loader, e.g. /lib64/ld-linux-x86-64.so.2; null for a static executable */
  readonly interpreter: string | null;
}

/** 64-bit little-endian ELF only: every release target is one. */
export function readElf(path: string): ElfInfo {
  const fd = openSync(path, "r");
  try {
    return parseElf(path, (offset, length) => {
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, offset);
      return buf;
    });
  } finally {
    closeSync(fd);
  }
}

function parseElf(path: string, read: (offset: number, length: number) => Buffer): ElfInfo {
  const bytes = read(0, 64);
  if (bytes.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${path} is not an ELF file`);
  if (bytes[4] !== 2 || bytes[5] !== 1) throw new Error(`${path} is not a 64-bit little-endian ELF file`);
  const machineId = bytes.readUInt16LE(18);
  const phoff = Number(bytes.readBigUInt64LE(32));
  const phentsize = bytes.readUInt16LE(54);
  const phnum = bytes.readUInt16LE(56);
  let interpreter: string | null = null;
  const headers = read(phoff, phnum * phentsize);
  for (let i = 0; i < phnum; i++) {
    const ph = i * phentsize;
    if (headers.readUInt32LE(ph) !== PT_INTERP) continue;
    const offset = Number(headers.readBigUInt64LE(ph + 8));
    const size = Number(headers.readBigUInt64LE(ph + 32));
    interpreter = read(offset, size).toString("latin1").replace(/\0+$/, "");
  }
  return { machine: MACHINES[machineId] ?? `unknown (0x${machineId.toString(16)})`, interpreter };
}
