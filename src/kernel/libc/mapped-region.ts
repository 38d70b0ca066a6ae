import koffi from 'koffi';
import { KernelError } from '../errors.js';
import { libc, lastErrno } from './libc.js';

export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const MAP_SHARED = 0x01;

let pageSize: number | undefined;

/** The system page size (the kernel sizes ring buffers and perf rings in pages). */
export function systemPageSize(): number {
  pageSize ??= libc().getpagesize();
  return pageSize;
}

/**
 * A shared mapping of an fd (a ring buffer map, a perf event), seen from
 * JavaScript through an external ArrayBuffer. After unmap() the buffer must
 * not be touched again (it would fault): users drop every view on unmap.
 */
export class MappedRegion {
  private pointer: unknown;
  /** The mapped bytes; undefined once unmapped. */
  private current: ArrayBuffer | undefined;

  constructor(fd: number, readonly length: number, prot: number, offset: number, what: string) {
    const c = libc();
    const pointer = c.mmap(null, length, prot, MAP_SHARED, fd, offset);
    if (c.isMapFailed(pointer)) throw new KernelError('mmap', lastErrno(), what);
    this.pointer = pointer;
    this.current = koffi.view(pointer, length);
  }

  get buffer(): ArrayBuffer {
    if (!this.current) throw new KernelError('mmap', 9 /* EBADF */, 'region already unmapped');
    return this.current;
  }

  get mapped(): boolean {
    return this.current !== undefined;
  }

  unmap(): void {
    if (!this.current) return;
    this.current = undefined;
    libc().munmap(this.pointer, this.length);
    this.pointer = null;
  }
}
