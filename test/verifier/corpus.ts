// The verifier corpus: small hand-written programs in a readable text format,
// each with its program type, maps and the verdict (and message) expected.
//
//   == name of the case
//   type: socket_filter            program type (kernel name)
//   attach: BPF_CGROUP_INET_EGRESS  optional expected attach type
//   map: hash key=4 value=8 entries=16 [flags=0x80] [name=counts] [frozen=<hex bytes>] [lock=<offset of a struct bpf_spin_lock in the value>]
//   mode: unprivileged             optional; such cases are not run in the kernel
//   funcinfo: yes                  optional; the program has BTF func_info
//   expect: accept | reject
//   error: <line>                  a line the refusal must contain (repeatable)
//   kernel: skip <reason>          optional; not checked against the kernel
//   slow: yes                      optional; runs only with TSBPF_SLOW=1 (1M-instruction cases)
//     <assembly, LLVM syntax; `rN = map(I)` and `rN = map_value(I, OFF)` name maps,
//      `.insn OPCODE DST SRC OFF IMM` is one raw instruction slot,
//      `call bpf_<helper>` calls a helper by name>
//
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { assembleDetailed } from '../../src/isa/asm/index.js';
import type { Instruction } from '../../src/isa/instruction.js';
import type { MapDesc } from '../../src/verifier/index.js';
import { BPF_FUNC, isHelperName } from '../../src/helpers/ids.js';

export interface CorpusCase {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly progType: string;
  readonly maps: MapDesc[];
  readonly unprivileged: boolean;
  readonly attachType?: string;
  readonly funcInfo: boolean;
  readonly expect: 'accept' | 'reject';
  readonly errors: string[];
  readonly kernelSkip?: string;
  readonly slow: boolean;
  readonly source: string;
}

/** Why slow cases are skipped, or undefined when TSBPF_SLOW=1 asks for them. */
export const SLOW_SKIP = process.env.TSBPF_SLOW === '1' ? undefined : 'processes a million instructions; run with TSBPF_SLOW=1';

export const CASES_DIR = new URL('./cases/', import.meta.url).pathname;

function parseMap(spec: string, where: string): MapDesc {
  const [type, ...fields] = spec.trim().split(/\s+/);
  const kv = new Map(fields.map((f) => f.split('=') as [string, string]));
  const num = (k: string, dflt?: number): number => {
    const v = kv.get(k);
    if (v === undefined) {
      if (dflt === undefined) throw new Error(`${where}: map needs ${k}=`);
      return dflt;
    }
    return Number(v);
  };
  const inner = kv.get('inner');
  const frozen = kv.get('frozen');
  if (frozen !== undefined && !/^([0-9a-f]{2})+$/i.test(frozen)) throw new Error(`${where}: frozen= wants hex bytes`);
  return {
    type,
    keySize: num('key'),
    valueSize: num('value'),
    maxEntries: num('entries'),
    flags: num('flags', 0),
    name: kv.get('name'),
    inner: inner ? { type: inner, keySize: 4, valueSize: num('inner_value', 8), maxEntries: 1 } : undefined,
    frozenValue: frozen ? Uint8Array.from(frozen.match(/../g)!.map((h) => parseInt(h, 16))) : undefined,
    ...(kv.has('lock') ? { spinLockOffset: num('lock'), hasBtf: true } : {}),
  };
}

export function parseCorpus(text: string, file: string): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.startsWith('== ')) { i++; continue; }
    const name = line.slice(3).trim();
    const startLine = i + 1;
    i++;
    let progType = '';
    const maps: MapDesc[] = [];
    let unprivileged = false;
    let attachType: string | undefined;
    let funcInfo = false;
    let expect: 'accept' | 'reject' | '' = '';
    const errors: string[] = [];
    let kernelSkip: string | undefined;
    let slow = false;
    const where = `${file}:${startLine}`;
    for (; i < lines.length; i++) {
      const m = /^([a-z]+):\s?(.*)$/.exec(lines[i]);
      if (!m) break;
      const [, key, value] = m;
      switch (key) {
        case 'type': progType = value.trim(); break;
        case 'attach': attachType = value.trim(); break;
        case 'map': maps.push(parseMap(value, where)); break;
        case 'mode': unprivileged = value.trim() === 'unprivileged'; break;
        case 'funcinfo': funcInfo = value.trim() === 'yes'; break;
        case 'expect': expect = value.trim() as 'accept' | 'reject'; break;
        case 'error': errors.push(value); break;
        case 'kernel': kernelSkip = value.replace(/^skip\s*/, '').trim() || 'skipped'; break;
        case 'slow': slow = value.trim() === 'yes'; break;
        default: throw new Error(`${where}: unknown field ${key}`);
      }
    }
    const body: string[] = [];
    for (; i < lines.length && !lines[i].startsWith('== '); i++) body.push(lines[i]);
    if (!progType || !expect) throw new Error(`${where}: a case needs type: and expect:`);
    cases.push({
      name, file, line: startLine, progType, attachType, maps, unprivileged, funcInfo, expect, errors, kernelSkip, slow,
      source: body.join('\n'),
    });
  }
  return cases;
}

export function loadCorpus(dir = CASES_DIR): CorpusCase[] {
  return readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()
    .flatMap((f) => parseCorpus(readFileSync(join(dir, f), 'utf8'), f));
}

/**
 * Assembles a case: `rN = map(I)` becomes lddw BPF_PSEUDO_MAP_FD with the map
 * index, `rN = map_value(I, OFF)` lddw BPF_PSEUDO_MAP_VALUE.
 *
 * `.insn OPCODE DST SRC OFF IMM` writes one raw slot (for encodings the
 * assembler refuses, such as reserved fields).
 */
export function assembleCase(source: string): Instruction[] {
  const valueOffsets = new Map<number, number>();
  const raw = new Map<number, Instruction>();
  const rewritten = source.split('\n').map((line, idx) => {
    const r = /^(\s*(?:[A-Za-z_.][\w.]*:\s*)?)\.insn\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (r) {
      const [opcode, dst, src, off, imm] = r.slice(2).map((v) => Number(v));
      raw.set(idx + 1, { opcode, dst, src, off, imm: imm | 0 });
      return `${r[1]}r0 = r0`;
    }
    const call = /^(\s*(?:[A-Za-z_.][\w.]*:\s*)?)call\s+bpf_([a-z0-9_]+)\s*$/.exec(line);
    if (call && isHelperName(call[2])) return `${call[1]}call ${BPF_FUNC[call[2]]}`;
    let m = /^(\s*(?:[A-Za-z_.][\w.]*:\s*)?)(r\d+)\s*=\s*map\((\d+)\)\s*$/.exec(line);
    if (m) return `${m[1]}ld_pseudo ${m[2]}, 1, ${m[3]}`;
    m = /^(\s*(?:[A-Za-z_.][\w.]*:\s*)?)(r\d+)\s*=\s*map_value\((\d+),\s*(-?\d+)\)\s*$/.exec(line);
    if (m) {
      valueOffsets.set(idx + 1, Number(m[4]));
      return `${m[1]}ld_pseudo ${m[2]}, 2, ${m[3]}`;
    }
    return line;
  });
  const { insns, lines } = assembleDetailed(rewritten.join('\n'), { syntax: 'llvm' });
  for (let slot = 0; slot < insns.length; slot++) {
    const rawInsn = raw.get(lines[slot]);
    if (rawInsn) insns[slot] = rawInsn;
    const off = valueOffsets.get(lines[slot]);
    if (off !== undefined && insns[slot].opcode === 0x18) {
      insns[slot + 1] = { ...insns[slot + 1], imm: off };
      slot++;
    }
  }
  return insns;
}
