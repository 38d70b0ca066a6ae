import { UnknownHookError } from './errors.js';
import type { HookPoint } from './hook-point.js';
import { NODE_TRACEPOINTS, nodeTracepoint } from './tracepoints/node-table.js';
import { uprobe, uretprobe } from './uprobes/targets.js';
import { SYSCALL_TRACEPOINTS, syscallTracepoint } from './syscalls/syscall-table.js';
import { PacketInterface } from './packets/packet-interface.js';
import { HookTargetError } from './errors.js';
import { PerfEventHook, type PerfEventOptions } from './timers/perf-event-hook.js';

/** Options some hook families need to find their target. */
export interface HookTargetOptions extends PerfEventOptions {
  /** Directory relative uprobe module paths start from (default: process.cwd()). */
  readonly baseDir?: string;
  /** The interface `xdp` and `socket` programs attach to (an object or its name). */
  readonly interface?: PacketInterface | string;
}

function packetInterface(spec: string, options: HookTargetOptions): PacketInterface {
  const i = options.interface;
  if (i === undefined) throw new HookTargetError(`${spec}: a packet program attaches to an interface: pass { interface } (a capture replay or a proxy's)`);
  if (typeof i !== 'string') return i;
  const found = PacketInterface.named(i);
  if (!found) throw new HookTargetError(`${spec}: no interface named ${i}`);
  return found;
}

const KNOWN_FAMILIES = ['tracepoint/...', 'tp/...', 'uprobe/<module>:<export>', 'uretprobe/<module>:<export>', 'xdp', 'socket', 'perf_event'];

/** `tracepoint/<category>/<name>` and `tp/...`. */
function tracepoint(spec: string, target: string): HookPoint {
  const slash = target.indexOf('/');
  const category = slash < 0 ? target : target.slice(0, slash);
  const name = slash < 0 ? '' : target.slice(slash + 1);
  if (category === 'node') {
    const hook = nodeTracepoint(name);
    if (hook) return hook;
    throw new UnknownHookError(spec, NODE_TRACEPOINTS.map((d) => `tracepoint/node/${d.name}`));
  }
  if (category === 'syscalls') {
    const hook = syscallTracepoint(name);
    if (hook) return hook;
    throw new UnknownHookError(spec, SYSCALL_TRACEPOINTS.map((n) => `tracepoint/syscalls/${n}`));
  }
  throw new UnknownHookError(spec, ['tracepoint/node/<name>', 'tracepoint/syscalls/<name>'], `no tracepoint category "${category}"`);
}

/**
 * The hook a spec names, in libbpf's section syntax: `tracepoint/node/<name>`
 * (or `tp/...`), `uprobe/<module>:<export>`, `uretprobe/<module>:<export>`,
 * `xdp` and `socket` (on `options.interface`), `perf_event` (a new timer at
 * `options.sampleFreq` Hz or every `options.samplePeriodNs`). Unknown names give an UnknownHookError that lists what exists.
 */
export function resolveHook(spec: string, options: HookTargetOptions = {}): HookPoint {
  const slash = spec.indexOf('/');
  const family = slash < 0 ? spec : spec.slice(0, slash);
  const target = slash < 0 ? '' : spec.slice(slash + 1);
  switch (family) {
    case 'tracepoint':
    case 'tp':
      return tracepoint(spec, target);
    case 'uprobe':
      return uprobe(target, undefined, options.baseDir);
    case 'uretprobe':
      return uretprobe(target, undefined, options.baseDir);
    case 'xdp':
      return packetInterface(spec, options).xdp;
    case 'socket':
      return packetInterface(spec, options).socketFilter;
    case 'perf_event':
      // Each perf_event attach opens its own timer, as each perf event fd is its own in the kernel.
      return new PerfEventHook(options);
    default:
      throw new UnknownHookError(spec, KNOWN_FAMILIES);
  }
}
