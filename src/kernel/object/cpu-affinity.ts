import koffi from 'koffi';
import { KernelError } from '../errors.js';

interface AffinityLib {
  set: (pid: number, size: number, mask: Uint8Array) => number;
  get: (pid: number, size: number, mask: Uint8Array) => number;
}

let lib: AffinityLib | undefined;

function bind(): AffinityLib {
  if (lib) return lib;
  const libc = koffi.load('libc.so.6');
  lib = {
    set: libc.func('int sched_setaffinity(int pid, size_t size, void *mask)'),
    get: libc.func('int sched_getaffinity(int pid, size_t size, void *mask)'),
  };
  return lib;
}

const MASK_BYTES = 128; // cpu_set_t: 1024 CPUs

/**
 * Runs `fn` with the calling thread pinned to `cpu` (sched_setaffinity of
 * thread 0 = the caller), then restores its previous affinity. The kernel
 * runs BPF_PROG_TEST_RUN of packet programs on the CPU of the calling thread,
 * so this is how a test run chooses which per-CPU slot it touches.
 */
export function onCpu<T>(cpu: number, fn: () => T): T {
  const { set, get } = bind();
  const saved = new Uint8Array(MASK_BYTES);
  if (get(0, MASK_BYTES, saved) !== 0) throw new KernelError('sched_getaffinity', koffi.errno());
  const mask = new Uint8Array(MASK_BYTES);
  mask[cpu >> 3] = 1 << (cpu & 7);
  if (set(0, MASK_BYTES, mask) !== 0) throw new KernelError('sched_setaffinity', koffi.errno(), `cpu ${cpu}`);
  try {
    return fn();
  } finally {
    set(0, MASK_BYTES, saved);
  }
}
