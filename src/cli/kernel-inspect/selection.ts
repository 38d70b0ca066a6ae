import { bpfFdOwners, pinnedObjects, tsbpfProcesses, type FdOwner } from '../../kernel/inspect/index.js';
import { TSBPF_PIN_ROOT } from '../../kernel/pin.js';
import { kernelAvailable } from '../../kernel/probe.js';
import { CliFailure } from './cli-failure.js';

/** Who holds each bpf object and where it is pinned, and which of them are tsbpf's. */
export interface KernelObjectIndex {
  readonly owners: Map<string, FdOwner[]>;
  /** Pins under the tsbpf pin root (or everything under /sys/fs/bpf with --all). */
  readonly pins: Map<string, string[]>;
  readonly tsbpfPids: Set<number>;
  /** Whether an object (`program:ID`, `map:ID`) is tsbpf's: pinned under the pin root, or held by a tsbpf process. */
  isTsbpfs(key: string): boolean;
}

/** Fails (exit 1) unless bpf() is usable here. */
export function requireKernel(): void {
  const available = kernelAvailable();
  if (!available.ok) throw new CliFailure(available.reason);
}

export function indexKernelObjects(all: boolean, pinRoot = TSBPF_PIN_ROOT): KernelObjectIndex {
  const owners = bpfFdOwners();
  const pins = pinnedObjects(all ? '/sys/fs/bpf' : pinRoot);
  const tsbpfPids = tsbpfProcesses();
  const rootPins = all ? pinnedObjects(pinRoot) : pins;
  return {
    owners,
    pins,
    tsbpfPids,
    isTsbpfs: (key) => rootPins.has(key) || (owners.get(key) ?? []).some((o) => tsbpfPids.has(o.pid)),
  };
}
