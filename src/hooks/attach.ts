import { HookError } from './errors.js';
import { HookPoint, type AttachOptions } from './hook-point.js';
import type { Link } from './link.js';
import type { HookProgram } from './program.js';
import { hookProgramOf, type LiveProgramLike } from './object-program.js';
import { resolveHook, type HookTargetOptions } from './resolve.js';

export interface HookAttachOptions extends AttachOptions, HookTargetOptions {}

/**
 * Attaches a program (a loaded object's, or any HookProgram) to a hook and
 * returns the link. Without `hook`, the
 * program's section names it (libbpf's auto-attach): a program in
 * `SEC("tracepoint/node/http_server_request")` attaches there.
 */
export function attach(live: HookProgram | LiveProgramLike, hook?: string | HookPoint, options: HookAttachOptions = {}): Link {
  const program = hookProgramOf(live);
  const target = hook ?? program.section;
  if (target === '') throw new HookError(`program ${program.name} has no section to name its hook: pass one to attach()`);
  const point = typeof target === 'string' ? resolveHook(target, options) : target;
  return point.attach(program, options);
}
