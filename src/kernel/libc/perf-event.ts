import koffi from 'koffi';
import { EINTR } from '../errno.js';
import { KernelError } from '../errors.js';
import { libc, lastErrno } from './libc.js';

/** __NR_perf_event_open per architecture (the kernel's syscall tables). */
const NR_PERF_EVENT_OPEN: Readonly<Record<string, number>> = { x64: 298, arm64: 241, ia32: 336, riscv64: 241, loong64: 241, ppc64: 319 };

/** enum perf_type_id. */
export const PERF_TYPE_HARDWARE = 0;
export const PERF_TYPE_SOFTWARE = 1;
export const PERF_TYPE_TRACEPOINT = 2;
/** enum perf_sw_ids. */
export const PERF_COUNT_SW_CPU_CLOCK = 0;
export const PERF_COUNT_SW_TASK_CLOCK = 1;
export const PERF_COUNT_SW_BPF_OUTPUT = 10;
/** enum perf_event_sample_format. */
export const PERF_SAMPLE_RAW = 1 << 10;
/** perf_event_open() flags. */
export const PERF_FLAG_FD_CLOEXEC = 1 << 3;
/** struct perf_event_attr bits in its flags word (offset 40). */
export const PERF_ATTR_DISABLED = 1n << 0n;
export const PERF_ATTR_FREQ = 1n << 10n;
export const PERF_ATTR_WATERMARK = 1n << 14n;

/** ioctl requests on a perf event fd (_IO('$', n) and _IOW('$', 8, __u32)). */
export const PERF_EVENT_IOC_ENABLE = 0x2400;
export const PERF_EVENT_IOC_DISABLE = 0x2401;
export const PERF_EVENT_IOC_SET_BPF = 0x40042408;

/** sizeof(struct perf_event_attr), PERF_ATTR_SIZE_VER8. */
const PERF_ATTR_SIZE = 136;

/** The fields of struct perf_event_attr that the attach and event layers set. */
export interface PerfEventAttr {
  readonly type: number;
  readonly config?: bigint;
  /** sample_period, or sample_freq when `freq` is set. */
  readonly samplePeriod?: bigint;
  readonly freq?: boolean;
  readonly sampleType?: bigint;
  readonly disabled?: boolean;
  /** wakeup_events (or wakeup_watermark in bytes with `watermark`). */
  readonly wakeupEvents?: number;
  readonly watermark?: boolean;
  /** config1: for kprobe/uprobe PMUs, a pointer to the function name or the binary's path. */
  readonly config1?: Uint8Array | bigint;
  /** config2: for kprobe/uprobe PMUs, the offset. */
  readonly config2?: bigint;
}

/** struct perf_event_attr bytes; `keep` holds the buffers its pointers point to. */
function encodeAttr(attr: PerfEventAttr): { bytes: Uint8Array; keep: unknown[] } {
  const bytes = new Uint8Array(PERF_ATTR_SIZE);
  const v = new DataView(bytes.buffer);
  const keep: unknown[] = [];
  let flags = 0n;
  if (attr.disabled) flags |= PERF_ATTR_DISABLED;
  if (attr.freq) flags |= PERF_ATTR_FREQ;
  if (attr.watermark) flags |= PERF_ATTR_WATERMARK;
  v.setUint32(0, attr.type, true);
  v.setUint32(4, PERF_ATTR_SIZE, true);
  v.setBigUint64(8, attr.config ?? 0n, true);
  v.setBigUint64(16, attr.samplePeriod ?? 0n, true);
  v.setBigUint64(24, attr.sampleType ?? 0n, true);
  v.setBigUint64(40, flags, true);
  v.setUint32(48, attr.wakeupEvents ?? 0, true);
  if (attr.config1 instanceof Uint8Array) {
    void attr.config1.buffer; // off the V8 heap, where it does not move
    keep.push(attr.config1);
    v.setBigUint64(56, koffi.address(attr.config1), true);
  } else {
    v.setBigUint64(56, attr.config1 ?? 0n, true);
  }
  v.setBigUint64(64, attr.config2 ?? 0n, true);
  return { bytes, keep };
}

/**
 * perf_event_open(attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC): the new event's
 * fd. Throws KernelError('perf_event_open', errno, what) on failure.
 */
export function perfEventOpen(attr: PerfEventAttr, pid: number, cpu: number, what: string): number {
  const nr = NR_PERF_EVENT_OPEN[process.arch];
  if (nr === undefined) throw new KernelError('perf_event_open', 38 /* ENOSYS */, `no syscall number known for ${process.arch}`);
  const { bytes, keep } = encodeAttr(attr);
  for (;;) {
    const fd = Number(libc().syscall(nr, 'void *', bytes, 'int', pid, 'int', cpu, 'int', -1, 'ulong', PERF_FLAG_FD_CLOEXEC));
    if (fd >= 0) {
      keep.length = 0;
      return fd;
    }
    const errno = lastErrno();
    if (errno !== EINTR) throw new KernelError('perf_event_open', errno, what);
  }
}

/** ioctl(fd, request, arg) on a perf event; throws KernelError naming the request. */
export function perfIoctl(fd: number, request: number, arg: number, name: string): void {
  if (libc().ioctl(fd, request, 'ulong', arg) !== 0) throw new KernelError(`ioctl(${name})`, lastErrno(), `perf event fd ${fd}`);
}
