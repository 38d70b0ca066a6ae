import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EACCES, EPERM } from '../errno.js';
import { KernelError } from '../errors.js';
import { NotSupportedError } from '../features/not-supported-error.js';
import { fsTypeAt, mountFs, mountPointOf } from '../libc/mounts.js';
import { AttachTargetError } from './errors.js';

const TRACEFS = '/sys/kernel/tracing';
const DEBUGFS_TRACING = '/sys/kernel/debug/tracing';

let root: string | undefined;

/**
 * The tracefs directory: where it is mounted already, else mounted at
 * /sys/kernel/tracing (as the kernel's documentation places it).
 */
export function tracefsRoot(): string {
  if (root !== undefined && fsTypeAt(root) === 'tracefs') return root;
  root = mountPointOf('tracefs');
  if (root !== undefined) return root;
  if (existsSync(join(DEBUGFS_TRACING, 'events'))) return (root = DEBUGFS_TRACING);
  if (!existsSync(TRACEFS)) throw new NotSupportedError('tracefs', `${TRACEFS} does not exist (kernel built without CONFIG_TRACING?)`);
  mountFs('tracefs', TRACEFS);
  return (root = TRACEFS);
}

/** The id of tracepoint `category/name` (tracefs events/<category>/<name>/id), for perf_event_open. */
export function tracepointId(category: string, name: string): number {
  if (!/^[\w.-]+$/.test(category) || !/^[\w.-]+$/.test(name)) {
    throw new AttachTargetError('tracepoint', `${category}/${name}`, 'a tracepoint is named category/name, e.g. syscalls/sys_enter_openat');
  }
  const path = join(tracefsRoot(), 'events', category, name, 'id');
  try {
    return Number.parseInt(readFileSync(path, 'utf8'), 10);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AttachTargetError('tracepoint', `${category}/${name}`, `no such tracepoint (${path} does not exist)`);
    if (code === 'EACCES' || code === 'EPERM') throw new KernelError('open', code === 'EACCES' ? EACCES : EPERM, `${path}: tracefs is readable by root only`);
    throw err;
  }
}
