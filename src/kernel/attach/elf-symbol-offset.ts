import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { SHN_LORESERVE, SHN_UNDEF, SHT_DYNSYM, SHT_STRTAB, STT_FUNC, SYM64_SIZE } from '../../elf/constants.js';
import { ElfError } from '../../elf/errors.js';
import { readHeader } from '../../elf/header.js';
import { readSections } from '../../elf/sections.js';
import { readCString } from '../../elf/string-table.js';
import { readSymbols } from '../../elf/symbols.js';
import type { ElfSection } from '../../elf/types.js';
import { AttachTargetError, SymbolNotFoundError, type AttachKind } from './errors.js';

const STT_GNU_IFUNC = 10;
const STB_LOCAL = 0;
const STB_GLOBAL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;

/** Where libraries named without a directory (`libc.so.6`) are looked for, after LD_LIBRARY_PATH. */
const LIBRARY_DIRS = ['/lib64', '/usr/lib64', '/lib', '/usr/lib', `/lib/${archTriplet()}`, `/usr/lib/${archTriplet()}`];

function archTriplet(): string {
  return ({ x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', riscv64: 'riscv64-linux-gnu' } as Record<string, string>)[process.arch] ?? '';
}

/** One function symbol of an executable or shared library. */
interface FunctionSymbol {
  readonly name: string;
  readonly value: number;
  readonly bind: number;
  readonly type: number;
  readonly sectionIndex: number;
}

/**
 * The absolute path of a probed binary: as given when it has a `/`; else a
 * shared library (`*.so*`) from LD_LIBRARY_PATH and the system library
 * directories, or an executable from PATH (as libbpf resolves them).
 */
export function resolveBinaryPath(binary: string, kind: AttachKind): string {
  if (binary.includes('/')) {
    const path = isAbsolute(binary) ? binary : resolve(binary);
    if (!isFile(path)) throw new AttachTargetError(kind, binary, `${path} is not a file`);
    return path;
  }
  const dirs = binary.includes('.so')
    ? [...(process.env.LD_LIBRARY_PATH ?? '').split(delimiter).filter((d) => d !== ''), ...LIBRARY_DIRS]
    : (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const dir of dirs) {
    const path = join(dir, binary);
    if (isFile(path)) return path;
  }
  throw new AttachTargetError(kind, binary, `not found in ${binary.includes('.so') ? 'the library directories' : 'PATH'} (${dirs.join(delimiter)})`);
}

function isFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The entries of the SHT_DYNSYM table (stripped binaries keep only these). */
function readDynamicSymbols(sections: readonly ElfSection[]): FunctionSymbol[] {
  const dynsym = sections.find((s) => s.type === SHT_DYNSYM);
  if (!dynsym) return [];
  const strtab = sections[dynsym.link];
  if (strtab === undefined || strtab.type !== SHT_STRTAB) throw new ElfError(`sh_link ${dynsym.link} is not a string table`, dynsym.name, dynsym.offset);
  const out: FunctionSymbol[] = [];
  for (let at = 0; at + SYM64_SIZE <= dynsym.size; at += SYM64_SIZE) {
    const info = dynsym.data[at + 4];
    out.push({
      name: readCString(strtab.data, dynsym.view.getUint32(at, true), strtab.name, strtab.offset),
      value: Number(dynsym.view.getBigUint64(at + 8, true)),
      bind: info >> 4,
      type: info & 0xf,
      sectionIndex: dynsym.view.getUint16(at + 6, true),
    });
  }
  return out;
}

/**
 * The file offset of function `symbol` in the ELF executable or shared
 * library at `path`, as the uprobe PMU takes it: the symbol's address from
 * .symtab (or .dynsym when stripped) made relative to the file through the
 * section that holds it. Global definitions win over weak and local ones.
 */
export function symbolFileOffset(path: string, symbol: string, kind: AttachKind): number {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header;
  let sections;
  try {
    header = readHeader(bytes, view);
    sections = readSections(bytes, view, header);
  } catch (err) {
    if (err instanceof ElfError) throw new AttachTargetError(kind, `${path}:${symbol}`, `not a readable ELF64 file: ${err.message}`);
    throw err;
  }
  if (header.type !== ET_EXEC && header.type !== ET_DYN) throw new AttachTargetError(kind, `${path}:${symbol}`, `e_type ${header.type} is not an executable or shared object`);
  const isFunction = (type: number): boolean => type === STT_FUNC || type === STT_GNU_IFUNC;
  const candidates: FunctionSymbol[] = [];
  const consider = (s: FunctionSymbol): void => {
    const name = s.name.split('@')[0];
    if (name !== symbol || !isFunction(s.type)) return;
    if (s.sectionIndex === SHN_UNDEF || s.sectionIndex >= SHN_LORESERVE) return;
    candidates.push(s);
  };
  for (const s of readSymbols(sections)) consider(s);
  if (candidates.length === 0) for (const s of readDynamicSymbols(sections)) consider(s);
  if (candidates.length === 0) throw new SymbolNotFoundError(kind, path, symbol);
  const rank = (b: number): number => (b === STB_GLOBAL ? 0 : b === STB_LOCAL ? 2 : 1);
  candidates.sort((a, b) => rank(a.bind) - rank(b.bind));
  const best = candidates[0];
  const clash = candidates.find((c) => rank(c.bind) === rank(best.bind) && c.value !== best.value);
  if (clash) throw new SymbolNotFoundError(kind, path, symbol, `ambiguous: defined at 0x${best.value.toString(16)} and 0x${clash.value.toString(16)}`);
  const section = sections[best.sectionIndex];
  if (section === undefined || best.value < section.addr || best.value >= section.addr + Math.max(section.size, 1)) {
    throw new SymbolNotFoundError(kind, path, symbol, `its address 0x${best.value.toString(16)} is outside its section`);
  }
  return best.value - section.addr + section.offset;
}

/** A uprobe target as libbpf's section names spell it: `binary:function[+offset]` or `binary:0xoffset`. */
export interface UprobeTarget {
  readonly binary: string;
  /** The function, or undefined for a raw file offset. */
  readonly symbol?: string;
  readonly offset: number;
}

/** Parses `binary:function`, `binary:function+0x10` or `binary:0x1234` (libbpf's `uprobe/` syntax). */
export function parseUprobeTarget(text: string, kind: AttachKind): UprobeTarget {
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw new AttachTargetError(kind, text, 'expected binary:function (e.g. /usr/bin/bash:readline, libc.so.6:malloc)');
  }
  const binary = text.slice(0, colon);
  const spec = text.slice(colon + 1);
  const parseOffset = (s: string): number => {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 0) throw new AttachTargetError(kind, text, `bad offset ${s}`);
    return n;
  };
  if (/^(0x[0-9a-f]+|\d+)$/i.test(spec)) return { binary, offset: parseOffset(spec) };
  const plus = spec.indexOf('+');
  if (plus < 0) return { binary, symbol: spec, offset: 0 };
  return { binary, symbol: spec.slice(0, plus), offset: parseOffset(spec.slice(plus + 1)) };
}
