import { UnknownHookError } from './errors.js';
import type { HookPoint } from './hook-point.js';
import { NODE_TRACEPOINTS, nodeTracepoint } from './tracepoints/node-table.js';

/** Options some hook families need to find their target. */
export interface HookTargetOptions {
  /** Directory relative uprobe module paths start from (default: process.cwd()). */
  readonly baseDir?: string;
}

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
  throw new UnknownHookError(spec, ['tracepoint/node/<name>'], `no tracepoint category "${category}"`);
}

/**
 * The hook a spec names, in libbpf's section syntax: `tracepoint/node/<name>`
 * (or `tp/...`). Unknown names give an UnknownHookError that lists what exists.
 */
export function resolveHook(spec: string, _options: HookTargetOptions = {}): HookPoint {
  const slash = spec.indexOf('/');
  const family = slash < 0 ? spec : spec.slice(0, slash);
  const target = slash < 0 ? '' : spec.slice(slash + 1);
  switch (family) {
    case 'tracepoint':
    case 'tp':
      return tracepoint(spec, target);
    default:
      throw new UnknownHookError(spec, ['tracepoint/...', 'tp/...']);
  }
}
