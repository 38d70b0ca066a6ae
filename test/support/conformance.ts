// Reader for the BPF conformance suite's `.data` files (../shared/conformance,
// see its README). The suite is never copied into this repository: tests find
// it next to the repo and skip clearly when it is absent.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One conformance program with its input and expectation. */
export interface ConformanceCase {
  /** File name without `.data`, e.g. `add64`. */
  name: string;
  /** Absolute path of the `.data` file. */
  file: string;
  /** `-- asm` text exactly as in the file (comments and blank lines kept, so line numbers survive). */
  asm?: string;
  /** 1-based line in `file` of the first line of `asm`: add `asmLine - 1` to an AsmError's line. */
  asmLine?: number;
  /** `-- raw` bytecode; when present it replaces `asm`. */
  raw?: Uint8Array;
  /** `-- mem` bytes (empty when the section is absent); r1 points here, r2 holds the length. */
  mem: Uint8Array;
  /** `-- result`: the expected r0. */
  result?: bigint;
  /** `-- error`: present (possibly empty) when the program must be refused. */
  error?: string;
  /** Text of every other section by its name (`c`, `no register offset`, or anything unknown). */
  other: Record<string, string>;
  /** Names of sections this format does not define (the suite's "unknown directive" case). */
  unknownSections: string[];
}

/** Thrown when a `.data` file itself is malformed (a bad byte, word or result). */
export class ConformanceFormatError extends Error {
  constructor(readonly file: string, readonly line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ConformanceFormatError';
  }
}

const KNOWN_SECTIONS = new Set(['asm', 'raw', 'mem', 'result', 'error', 'c', 'no register offset']);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared/conformance` next to the repository, or null when it is not there. */
export function conformanceDir(): string | null {
  const dir = resolve(repoRoot, '..', 'shared', 'conformance');
  return existsSync(join(dir, 'tests')) && statSync(join(dir, 'tests')).isDirectory() ? dir : null;
}

/** The reason to skip conformance tests, or undefined when the suite is present (for node:test's `skip`). */
export function conformanceSkipReason(): string | undefined {
  return conformanceDir() === null
    ? `conformance suite not found at ${resolve(repoRoot, '..', 'shared', 'conformance')}`
    : undefined;
}

/** Every `.data` case of `tests/` or `negative/`, sorted by name; [] when the suite is absent. */
export function listConformance(which: 'tests' | 'negative'): ConformanceCase[] {
  const root = conformanceDir();
  if (root === null) return [];
  const dir = join(root, which);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.data'))
    .sort()
    .map((f) => loadConformance(join(dir, f)));
}

export function loadConformance(file: string): ConformanceCase {
  return parseConformance(readFileSync(file, 'utf8'), resolve(file));
}

/** Parses the text of one `.data` file; `file` names it in the result and in errors. */
export function parseConformance(text: string, file: string): ConformanceCase {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const sections = new Map<string, { start: number; lines: string[] }>();
  let current: { start: number; lines: string[] } | null = null;
  lines.forEach((line, i) => {
    const header = /^--\s*(.*?)\s*$/.exec(line);
    if (header) {
      current = { start: i + 2, lines: [] };
      sections.set(header[1].toLowerCase(), current);
    } else if (current) {
      current.lines.push(line);
    }
  });

  const name = basename(file).replace(/\.data$/, '');
  const out: ConformanceCase = { name, file, mem: new Uint8Array(0), other: {}, unknownSections: [] };
  const other: Array<[string, string]> = [];
  for (const [section, { start, lines: body }] of sections) {
    switch (section) {
      case 'asm':
        out.asm = body.join('\n');
        out.asmLine = start;
        break;
      case 'raw':
        out.raw = parseRaw(body, start, file);
        break;
      case 'mem':
        out.mem = parseBytes(body, start, file);
        break;
      case 'result':
        out.result = parseResult(body, start, file);
        break;
      case 'error':
        out.error = dataLines(body, start).map(([, l]) => l).join('\n');
        break;
      default:
        other.push([section, body.join('\n').trim()]);
        if (!KNOWN_SECTIONS.has(section)) out.unknownSections.push(section);
    }
  }
  out.other = Object.fromEntries(other);
  return out;
}

/** Non-empty lines with `#` comments removed, paired with their 1-based line numbers. */
function dataLines(body: string[], start: number): Array<[number, string]> {
  return body
    .map((l, i): [number, string] => [start + i, l.replace(/#.*/, '').trim()])
    .filter(([, l]) => l !== '');
}

function parseBytes(body: string[], start: number, file: string): Uint8Array {
  const bytes: number[] = [];
  for (const [line, text] of dataLines(body, start)) {
    for (const token of text.split(/\s+/)) {
      if (!/^[0-9a-fA-F]{1,2}$/.test(token)) throw new ConformanceFormatError(file, line, `bad byte '${token}'`);
      bytes.push(parseInt(token, 16));
    }
  }
  return Uint8Array.from(bytes);
}

/**
 * `-- raw` comes in two spellings: 64-bit words (`0x5566778800000018`, opcode in
 * the low byte, one instruction each) or lines of single hex bytes (`07 00 01 ...`).
 */
function parseRaw(body: string[], start: number, file: string): Uint8Array {
  const rows = dataLines(body, start);
  const tokens = rows.flatMap(([, text]) => text.split(/\s+/));
  if (tokens.length > 0 && tokens.every((t) => /^[0-9a-fA-F]{2}$/.test(t))) return parseBytes(body, start, file);
  const out = new Uint8Array(tokens.length * 8);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [line, text] of rows) {
    for (const token of text.split(/\s+/)) {
      if (!/^(0x[0-9a-fA-F]{1,16}|[0-9]+)$/.test(token)) throw new ConformanceFormatError(file, line, `bad instruction word '${token}'`);
      const word = BigInt(token);
      if (word > 0xffffffffffffffffn) throw new ConformanceFormatError(file, line, `instruction word '${token}' exceeds 64 bits`);
      view.setBigUint64(at, word, true);
      at += 8;
    }
  }
  return out;
}

function parseResult(body: string[], start: number, file: string): bigint | undefined {
  const rows = dataLines(body, start);
  if (rows.length === 0) return undefined;
  const [line, text] = rows[rows.length - 1];
  if (!/^(-?0x[0-9a-fA-F]+|-?[0-9]+)$/.test(text)) throw new ConformanceFormatError(file, line, `bad result '${text}'`);
  const negative = text.startsWith('-');
  const value = BigInt(negative ? text.slice(1) : text);
  return BigInt.asUintN(64, negative ? -value : value);
}
