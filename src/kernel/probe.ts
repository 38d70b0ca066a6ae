import { BPF_EXIT, BPF_JMP } from '../isa/opcodes.js';
import { EPERM, ENOSYS, EACCES } from './errno.js';
import { KernelError } from './errors.js';
import { KernelMap } from './map.js';
import { KernelProgram } from './program.js';
import { libcStatus } from './syscall.js';

export type KernelAvailability = { ok: true } | { ok: false; reason: string };

let cached: KernelAvailability | undefined;

/**
 * Whether bpf() works here: libc binds, an array map can be created, and a
 * two-instruction socket filter loads and test-runs. The answer is cached.
 */
export function kernelAvailable(): KernelAvailability {
  cached ??= probe();
  return cached;
}

function probe(): KernelAvailability {
  const libc = libcStatus();
  if (!libc.ok) return libc;
  try {
    KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize: 4, maxEntries: 1, name: 'tsbpf_probe' }).close();
    const prog = KernelProgram.load({
      type: 'BPF_PROG_TYPE_SOCKET_FILTER',
      insns: [
        { opcode: 0xb7 /* mov64 r0, imm */, dst: 0, src: 0, off: 0, imm: 7 },
        { opcode: BPF_JMP | BPF_EXIT, dst: 0, src: 0, off: 0, imm: 0 },
      ],
      name: 'tsbpf_probe',
    });
    try {
      const { retval } = prog.testRun({ dataIn: new Uint8Array(64) });
      if (retval !== 7) return { ok: false, reason: `BPF_PROG_TEST_RUN returned ${retval} where 7 was expected` };
    } finally {
      prog.close();
    }
    return { ok: true };
  } catch (err) {
    if (!(err instanceof KernelError)) return { ok: false, reason: `bpf() probe failed: ${(err as Error).message}` };
    return { ok: false, reason: refusalReason(err) };
  }
}

function refusalReason(err: KernelError): string {
  switch (err.errno) {
    case EPERM:
    case EACCES:
      return `bpf() refused: ${err.code} (needs root or CAP_BPF; ${err.command})`;
    case ENOSYS:
      return 'bpf() refused: ENOSYS (this kernel has no bpf() syscall)';
    default:
      return `bpf() refused: ${err.code} (${err.command})`;
  }
}
