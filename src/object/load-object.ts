import type { Btf } from '../btf/btf.js';
import type { BtfValue } from '../btf/codec.js';
import type { EngineName } from '../engine/select.js';
import { loadObjectSpec } from '../elf/load.js';
import type { ObjectSpec } from '../elf/object-spec.js';
import { TsbpfError } from '../errors.js';
import { possibleCpus } from '../kernel/cpus.js';
import type { BackendName } from './backend.js';
import { BpfObject } from './bpf-object.js';
import { withInitialGlobals } from './globals.js';
import { KernelBackend } from './kernel-backend.js';
import { VmBackend } from './vm-backend.js';

export interface LoadObjectOptions {
  /** Where to instantiate the object: tsbpf's VM (default) or the Linux kernel. */
  readonly backend?: BackendName;
  /** VM engine: `interp` or `jit` (default: the JIT for verified programs, the interpreter for unverified ones). */
  readonly engine?: EngineName;
  /** VM: verify programs before running them (default true); unverified programs run checked, with a budget. */
  readonly verify?: boolean;
  /** VM: possible CPUs of per-CPU maps (default: this machine's possible CPUs, as the kernel sizes them). */
  readonly cpus?: number;
  /** VM: most instructions one run of an unverified program may execute. */
  readonly budget?: number;
  /** Object name (global data map names); default the file name up to its first dot, or `obj`. */
  readonly name?: string;
  /** Initial values of global variables, set before load: how .rodata configuration is given. */
  readonly globals?: Readonly<Record<string, BtfValue>>;
  /** CO-RE target BTF (default: the backend's own, see VmObjectOptions / KernelObjectOptions); null: none. */
  readonly coreTarget?: Btf | null;
  /** Kernel: verifier log level (0: a log only when a program is refused). */
  readonly logLevel?: number;
  /** Kernel: where maps pinned by name (LIBBPF_PIN_BY_NAME) live; default /sys/fs/bpf. */
  readonly pinRoot?: string;
}

/** An option that makes no sense (an unknown backend or engine name). */
export class LoadObjectOptionError extends TsbpfError {}

/** Possible CPUs of this machine, or 1 where the kernel does not say. */
function defaultCpus(): number {
  try {
    return possibleCpus();
  } catch {
    return 1;
  }
}

/**
 * Loads a clang-compiled BPF object (a path, its bytes, or an ObjectSpec
 * whose CO-RE relocations are not applied yet) and instantiates it on a
 * backend: maps created and filled, programs relocated, verified and loaded.
 */
export async function loadObject(input: string | Uint8Array | ObjectSpec, options: LoadObjectOptions & { backend: 'kernel' }): Promise<BpfObject<'kernel'>>;
export async function loadObject(input: string | Uint8Array | ObjectSpec, options?: LoadObjectOptions & { backend?: 'vm' }): Promise<BpfObject<'vm'>>;
export async function loadObject(input: string | Uint8Array | ObjectSpec, options?: LoadObjectOptions): Promise<BpfObject>;
export async function loadObject(input: string | Uint8Array | ObjectSpec, options: LoadObjectOptions = {}): Promise<BpfObject> {
  const backend = options.backend ?? 'vm';
  if (backend !== 'vm' && backend !== 'kernel') throw new LoadObjectOptionError(`unknown backend "${String(backend)}" (expected vm or kernel)`);
  let spec = typeof input === 'string' || input instanceof Uint8Array
    ? loadObjectSpec(input, options.name !== undefined ? { name: options.name } : {})
    : input;
  if (options.globals !== undefined) spec = { ...spec, maps: withInitialGlobals(spec.maps, spec.btf, options.globals) };
  const coreTarget = options.coreTarget !== undefined ? { coreTarget: options.coreTarget } : {};
  const live = backend === 'kernel'
    ? KernelBackend.load(spec, { logLevel: options.logLevel ?? 0, ...coreTarget, ...(options.pinRoot !== undefined ? { pinRoot: options.pinRoot } : {}) })
    : VmBackend.load(spec, {
      ...(options.engine !== undefined ? { engine: options.engine } : {}),
      verify: options.verify ?? true,
      cpus: options.cpus ?? defaultCpus(),
      ...(options.budget !== undefined ? { budget: options.budget } : {}),
      ...coreTarget,
    });
  return new BpfObject(live);
}
