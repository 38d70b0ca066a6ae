// Loads a corpus case into the Linux kernel (BPF_PROG_LOAD, log level 1) and
// returns its verdict and the lines of its refusal.
import type { Instruction } from '../../src/isa/instruction.js';
import { KernelMap } from '../../src/kernel/map.js';
import { freezeMap } from '../../src/kernel/object/map-freeze.js';
import { KernelProgram } from '../../src/kernel/program.js';
import { KernelError, VerifierRejectedError } from '../../src/kernel/errors.js';
import { errorBlock } from '../../src/kernel/verifier-log.js';
import { BPF_MAP_TYPE } from '../../src/maps/map-types.js';
import { BPF_PROG_TYPE } from '../../src/progtypes/prog-types.js';
import type { MapDesc } from '../../src/verifier/index.js';
import { KernelBtf } from '../../src/kernel/object/btf-load.js';
import type { BpfAttachTypeName } from '../../src/uapi/bpf-attach-type.js';
import { findSubprogs } from '../../src/verifier/subprogs.js';
import { BtfBuilder } from '../support/btf-builder.js';

export interface KernelVerdict {
  readonly verdict: 'accept' | 'reject';
  /** The refusal: log lines after the last instruction printed, before the statistics. */
  readonly errorLines: string[];
  readonly log: string;
}

const mapTypeNumber = (t: string | number): number =>
  typeof t === 'number' ? t : BPF_MAP_TYPE[t as keyof typeof BPF_MAP_TYPE];

function createMap(m: MapDesc, owned: KernelMap[]): KernelMap {
  const inner = m.inner ?? m.innerMap;
  let innerFd: number | undefined;
  if (inner) {
    const im = createMap(inner, owned);
    innerFd = im.fd;
  }
  const btf = m.spinLockOffset !== undefined ? spinLockBtf(m.keySize, m.valueSize, m.spinLockOffset) : undefined;
  let map: KernelMap;
  try {
    map = KernelMap.create({
      type: mapTypeNumber(m.type), keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries,
      flags: m.flags ?? 0, innerMapFd: innerFd,
      ...(btf ? { btfFd: btf.btf.fd, btfKeyTypeId: btf.key, btfValueTypeId: btf.value } : {}),
    });
  } finally {
    btf?.btf.close();
  }
  owned.push(map);
  if (m.frozenValue) {
    const value = new Uint8Array(m.valueSize);
    value.set(m.frozenValue.subarray(0, m.valueSize));
    map.update(new Uint8Array(m.keySize), value);
    freezeMap(map.fd);
  }
  return map;
}

/** BTF for a map whose value holds a struct bpf_spin_lock at `lockOff` (the kernel finds it there). */
function spinLockBtf(keySize: number, valueSize: number, lockOff: number): { btf: KernelBtf; key: number; value: number } {
  const b = new BtfBuilder();
  const u32 = b.int('unsigned int', 4);
  const key = keySize === 4 ? u32 : b.int('key', keySize);
  const lock = b.struct('bpf_spin_lock', 4, [['val', u32, 0]]);
  const value = b.struct('value', valueSize, [['lock', lock, lockOff * 8]]);
  return { btf: KernelBtf.load(b.build()), key, value };
}

/**
 * Minimal BTF with one static function per sub-program and its func_info
 * records, which the kernel requires before a program may pass callbacks.
 */
function funcInfoFor(insns: readonly Instruction[]): { btf: KernelBtf; records: { recordSize: number; count: number; bytes: Uint8Array } } {
  const b = new BtfBuilder();
  const long = b.int('long', 8, true);
  // No parameters: the kernel then has no argument kinds to compare with the registers at calls.
  const proto = b.funcProto(long, []);
  const starts = findSubprogs(insns).map((sp) => sp.start);
  const ids = starts.map((_, i) => b.func(`f${i}`, proto, 0));
  const bytes = new Uint8Array(8 * starts.length);
  const view = new DataView(bytes.buffer);
  starts.forEach((start, i) => {
    view.setUint32(8 * i, start, true);
    view.setUint32(8 * i + 4, ids[i], true);
  });
  return { btf: KernelBtf.load(b.build()), records: { recordSize: 8, count: starts.length, bytes } };
}

/** Loads `insns` (map references by index) with the maps created in the kernel. */
export function kernelVerdict(
  insns: readonly Instruction[], progType: string, maps: readonly MapDesc[], flags = 0, withFuncInfo = false,
  logLevel: 1 | 2 = 1, expectedAttachType?: string,
): KernelVerdict {
  const owned: KernelMap[] = [];
  const info = withFuncInfo ? funcInfoFor(insns) : undefined;
  try {
    const fds = maps.map((m) => createMap(m, owned).fd);
    const patched = insns.slice();
    for (let i = 0; i < patched.length; i++) {
      const insn = patched[i];
      if (insn.opcode !== 0x18) continue;
      if ([1, 2, 5, 6].includes(insn.src)) {
        const fd = insn.imm >= 0 && insn.imm < fds.length ? fds[insn.imm] : insn.imm;
        patched[i] = { ...insn, src: insn.src === 5 || insn.src === 1 ? 1 : 2, imm: fd };
      }
      i++;
    }
    try {
      const prog = KernelProgram.load({
        type: BPF_PROG_TYPE[progType as keyof typeof BPF_PROG_TYPE], insns: patched, logLevel, flags,
        btfFd: info?.btf.fd, funcInfo: info?.records,
        ...(expectedAttachType ? { expectedAttachType: expectedAttachType as BpfAttachTypeName } : {}),
      });
      const log = prog.log;
      prog.close();
      return { verdict: 'accept', errorLines: [], log };
    } catch (err) {
      if (err instanceof VerifierRejectedError) return { verdict: 'reject', errorLines: errorBlock(err.log), log: err.log };
      if (err instanceof KernelError) return { verdict: 'reject', errorLines: [err.code], log: '' };
      throw err;
    }
  } finally {
    for (const m of owned.reverse()) m.close();
    info?.btf.close();
  }
}

