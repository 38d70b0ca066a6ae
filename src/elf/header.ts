import {
  EHDR64_SIZE, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, ELFMAG, EV_CURRENT, SHDR64_SIZE,
} from './constants.js';
import { ElfError } from './errors.js';
import { safeNumber } from './safe-number.js';
import type { ElfHeader } from './types.js';

/** Reads and checks the ELF64 little-endian header (refuses ELF32 and big-endian files). */
export function readHeader(bytes: Uint8Array, view: DataView): ElfHeader {
  const fail = (reason: string, offset: number): never => { throw new ElfError(reason, null, offset); };
  if (bytes.length < 16) fail(`file of ${bytes.length} bytes is too short for an ELF identification`, 0);
  ELFMAG.forEach((b, i) => { if (bytes[i] !== b) fail('not an ELF file (bad magic)', i); });
  const cls = bytes[4];
  if (cls === ELFCLASS32) fail('ELFCLASS32 objects are not supported: eBPF objects are ELFCLASS64', 4);
  if (cls !== ELFCLASS64) fail(`invalid ELF class ${cls}`, 4);
  const data = bytes[5];
  if (data === ELFDATA2MSB) {
    fail('big-endian ELF (ELFDATA2MSB) is not supported: compile with -target bpfel or -target bpf on a little-endian host', 5);
  }
  if (data !== ELFDATA2LSB) fail(`invalid ELF data encoding ${data}`, 5);
  if (bytes[6] !== EV_CURRENT) fail(`unsupported ELF identification version ${bytes[6]}`, 6);
  if (bytes.length < EHDR64_SIZE) fail(`file of ${bytes.length} bytes is too short for an ELF64 header`, bytes.length);

  const version = view.getUint32(20, true);
  if (version !== EV_CURRENT) fail(`unsupported ELF version ${version}`, 20);
  const ehsize = view.getUint16(52, true);
  if (ehsize < EHDR64_SIZE) fail(`e_ehsize ${ehsize} is smaller than ${EHDR64_SIZE}`, 52);
  const shoff = safeNumber(view.getBigUint64(40, true), 'e_shoff', null, 40);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  const shstrndx = view.getUint16(62, true);
  if ((shnum !== 0 || shoff !== 0) && shentsize !== SHDR64_SIZE) {
    fail(`e_shentsize ${shentsize} is not ${SHDR64_SIZE}`, 58);
  }
  return {
    osabi: bytes[7],
    type: view.getUint16(16, true),
    machine: view.getUint16(18, true),
    version,
    entry: view.getBigUint64(24, true),
    flags: view.getUint32(48, true),
    shoff,
    shnum,
    shstrndx,
  };
}
