import type { Arena } from '../memory/arena.js';
import type { Region } from '../memory/region.js';
import { registerContext, unregisterContext, type ProgramContext } from './context-registry.js';

/**
 * A context that is plain bytes: struct pt_regs (kprobe, uprobe), struct
 * bpf_perf_event_data, a tracepoint record, the u64 argument array of
 * raw_tracepoint and tracing programs, a syscall program's argument memory.
 * One 'ctx' region of exactly `size` bytes, read-only unless `writable`.
 */
export class RawContext implements ProgramContext {
  readonly kind = 'raw';
  readonly ctxOffset: number;
  private readonly region: Region | null;
  private released = false;

  constructor(private readonly arena: Arena, bytes: Uint8Array, readonly size: number, writable: boolean, name: string) {
    this.ctxOffset = arena.alloc(Math.max(size, 8));
    arena.bytes.set(bytes.subarray(0, size), this.ctxOffset);
    this.region = size > 0 ? arena.addRegion(this.ctxOffset, size, 'ctx', name, writable) : null;
    registerContext(arena, this);
  }

  /** The context's bytes now. */
  bytes(): Uint8Array {
    return this.arena.bytes.slice(this.ctxOffset, this.ctxOffset + this.size);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    unregisterContext(this.arena, this);
    if (this.region) this.arena.removeRegion(this.region);
    this.arena.free(this.ctxOffset);
  }
}
