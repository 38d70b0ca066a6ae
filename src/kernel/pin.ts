import { existsSync, mkdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TsbpfError } from '../errors.js';
import { BpfAttr, cString } from './bpf-attr.js';
import { EEXIST, ENOENT } from './errno.js';
import { KernelError } from './errors.js';
import { NotSupportedError } from './features/not-supported-error.js';
import { fsTypeAt, mounts, mountFs } from './libc/mounts.js';
import { sysBpf, sysClose } from './syscall.js';
import { BpfCmd } from './uapi.js';

/** Where bpffs is mounted by convention, and where tsbpf pins what it is asked to keep. */
export const BPFFS_ROOT = '/sys/fs/bpf';
export const TSBPF_PIN_ROOT = '/sys/fs/bpf/tsbpf';

/** What kind of bpf object an fd refers to (from its anon inode's name). */
export type BpfObjectKind = 'map' | 'program' | 'link' | 'btf';

/** A pin path cannot be used: which path, and why. */
export class PinError extends TsbpfError {
  constructor(readonly path: string, readonly reason: string) {
    super(`pin ${path}: ${reason}`);
  }
}

/** Something is already pinned at the path (BPF_OBJ_PIN says EEXIST). */
export class PinExistsError extends PinError {
  constructor(path: string, readonly existing: BpfObjectKind | 'file') {
    super(path, `a ${existing} is already pinned there (unpin it, or reuse it)`);
  }
}

/** The object pinned at the path is not what was asked for (another kind, or a map of another shape). */
export class PinMismatchError extends PinError {
  constructor(path: string, readonly mismatches: readonly string[]) {
    super(path, `the pinned object is incompatible: ${mismatches.join('; ')}`);
  }
}

/** The file system holding `path` (the longest mount point that contains it). */
function fsTypeOf(path: string): string | undefined {
  let best: { target: string; fstype: string } | undefined;
  for (const m of mounts()) {
    const inside = path === m.target || path.startsWith(m.target.endsWith('/') ? m.target : `${m.target}/`);
    if (inside && (best === undefined || m.target.length >= best.target.length)) best = m;
  }
  return best?.fstype;
}

/**
 * Makes sure `path`'s directory is on a bpf file system: mounts bpffs at
 * /sys/fs/bpf when nothing bpf is mounted there and the path is below it,
 * then creates the missing directories (bpffs allows mkdir).
 */
export function ensurePinDirectory(path: string): string {
  const absolute = resolve(path);
  const dir = dirname(absolute);
  if (fsTypeOf(dir) !== 'bpf') {
    const underRoot = absolute.startsWith(`${BPFFS_ROOT}/`);
    if (!underRoot) throw new PinError(absolute, 'not on a bpf file system (pin below /sys/fs/bpf, or mount bpffs there)');
    if (fsTypeAt(BPFFS_ROOT) !== 'bpf') {
      if (!existsSync(BPFFS_ROOT)) throw new NotSupportedError('bpffs', `${BPFFS_ROOT} does not exist`);
      mountFs('bpf', BPFFS_ROOT, 'mode=0700');
    }
  }
  mkdirSync(dir, { recursive: true });
  return absolute;
}

/** The kind of bpf object `fd` is, or undefined for other fds. */
export function bpfObjectKind(fd: number): BpfObjectKind | undefined {
  let target: string;
  try {
    target = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
  switch (target) {
    case 'anon_inode:bpf-map': return 'map';
    case 'anon_inode:bpf-prog': return 'program';
    case 'anon_inode:bpf_link': // as created; BPF_OBJ_GET names it bpf-link
    case 'anon_inode:bpf-link': return 'link';
    case 'anon_inode:btf': return 'btf';
    default: return undefined;
  }
}

/** BPF_OBJ_PIN: pins the object behind `fd` at `path` (below a bpffs mount). */
export function pinFd(fd: number, path: string): void {
  const absolute = ensurePinDirectory(path);
  try {
    sysBpf(BpfCmd.BPF_OBJ_PIN, new BpfAttr().pointer(0, cString(absolute)).u32(8, fd));
  } catch (err) {
    if (err instanceof KernelError && err.errno === EEXIST) throw new PinExistsError(absolute, pinnedKindAt(absolute));
    throw err;
  }
}

/** What is pinned at `path` (opened and closed again to see), or 'file' for anything else. */
function pinnedKindAt(path: string): BpfObjectKind | 'file' {
  try {
    const { fd, kind } = openPinned(path);
    sysClose(fd);
    return kind;
  } catch {
    return 'file';
  }
}

/**
 * BPF_OBJ_GET: a new fd on the object pinned at `path`, and its kind; the
 * caller owns the fd. `fileFlags` may ask for BPF_F_RDONLY or BPF_F_WRONLY
 * access. A missing path throws PinError.
 */
export function openPinned(path: string, fileFlags = 0): { fd: number; kind: BpfObjectKind } {
  const absolute = resolve(path);
  let fd: number;
  try {
    fd = sysBpf(BpfCmd.BPF_OBJ_GET, new BpfAttr().pointer(0, cString(absolute)).u32(12, fileFlags));
  } catch (err) {
    if (err instanceof KernelError && err.errno === ENOENT) throw new PinError(absolute, 'nothing is pinned there');
    if (err instanceof KernelError && err.code === 'EPERM' && existsSync(absolute)) throw new PinError(absolute, `not a pinned bpf object, or not permitted (${err.message})`);
    throw err;
  }
  const kind = bpfObjectKind(fd);
  if (kind === undefined) {
    sysClose(fd);
    throw new PinError(absolute, 'the pinned file is not a map, program, link or BTF');
  }
  return { fd, kind };
}

/** Opens the pinned object at `path`, checking that it is of `kind`; the caller owns the fd. */
export function openPinnedOfKind(path: string, kind: BpfObjectKind, fileFlags = 0): number {
  const opened = openPinned(path, fileFlags);
  if (opened.kind !== kind) {
    sysClose(opened.fd);
    throw new PinMismatchError(resolve(path), [`a ${opened.kind} is pinned there, not a ${kind}`]);
  }
  return opened.fd;
}

/** Removes a pin (the object lives on while something else holds it). */
export function unpin(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new PinError(resolve(path), 'nothing is pinned there');
    throw err;
  }
}
