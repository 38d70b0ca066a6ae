import type { BpfObject } from '../../object/bpf-object.js';
import { bpftoolMapDump } from '../../object/bpftool-dump.js';
import type { TraceRecord } from '../../helpers/trace-pipe.js';
import { TracePipe } from '../../helpers/trace-pipe.js';
import { attach } from '../attach.js';
import { perfBufferEvents } from '../events/perf-events.js';
import type { RecordStream } from '../events/record-stream.js';
import { ringBufferEvents } from '../events/ring-events.js';
import { tracePipeEvents } from '../events/trace-stream.js';
import type { Link } from '../link.js';
import { hookProgramOf } from '../object-program.js';
import type { HookTargetOptions } from '../resolve.js';
import { hookOfSection } from './program-hook.js';
import { formatRecord } from './record-format.js';

/** One event a session reports: a ring or perf buffer record, or a trace_printk line. */
export type SessionEvent =
  | { readonly kind: 'ringbuf' | 'perf'; readonly map: string; readonly data: string; readonly type?: string; readonly formatted?: unknown }
  | { readonly kind: 'trace'; readonly line: string; readonly message: string };

export interface SessionOptions extends HookTargetOptions {
  /** Called for each program attached or left out. */
  readonly onAttach?: (program: string, hook: string | null, reason?: string) => void;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * A loaded object with every program attached to the hook its section
 * names, its ring buffers, perf buffers and trace_printk output streamed
 * as events, and its maps dumped on demand (bpftool's JSON): what
 * `tsbpf attach` runs, in the CLI's process or in the command's.
 */
export class AttachSession {
  readonly links: Link[] = [];
  readonly skipped: Array<{ program: string; reason: string }> = [];
  private readonly streams: Array<{ flush(): void; close(): void }> = [];
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private readonly pending: SessionEvent[] = [];
  private closed = false;

  constructor(readonly object: BpfObject, options: SessionOptions = {}) {
    let arena = null;
    try {
      for (const p of Object.values(object.programs)) {
        const hp = hookProgramOf(p);
        arena = hp.arena;
        const found = hookOfSection(hp, options);
        if ('skip' in found) {
          this.skipped.push({ program: p.name, reason: found.skip });
          options.onAttach?.(p.name, null, found.skip);
          continue;
        }
        const link = attach(hp, found.hook, options);
        link.onError((e) => this.emit({ kind: 'trace', line: `tsbpf: ${p.name}: ${e.message}\n`, message: e.message }));
        this.links.push(link);
        options.onAttach?.(p.name, link.hook);
      }
      const btf = object.spec.btf;
      for (const m of Object.values(object.maps)) {
        if (m.type === 'ringbuf') this.follow(ringBufferEvents(m), (b) => this.record('ringbuf', m.name, btf, b));
        if (m.type === 'perf_event_array') this.follow(perfBufferEvents(m), (b) => this.record('perf', m.name, btf, b));
      }
      if (arena) this.follow(tracePipeEvents(arena), (r: TraceRecord) => this.emit({ kind: 'trace', line: TracePipe.format(r), message: r.message }));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  private record(kind: 'ringbuf' | 'perf', map: string, btf: BpfObject['spec']['btf'], bytes: Uint8Array): void {
    const f = formatRecord(btf, bytes);
    this.emit({ kind, map, data: hex(bytes), ...(f ? { type: f.type, formatted: JSON.parse(f.json) as unknown } : {}) });
  }

  private follow<T, R>(stream: RecordStream<T, R>, deliver: (r: T) => void): void {
    this.streams.push({ flush: () => { for (const r of stream.takeAll()) deliver(r); }, close: () => stream.close() });
    void (async () => {
      for await (const r of stream) deliver(r);
    })();
  }

  private emit(e: SessionEvent): void {
    if (this.listeners.size === 0) this.pending.push(e);
    for (const l of this.listeners) l(e);
  }

  /** Calls `listener` for every event (and first for those that came before anyone listened). */
  onEvent(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    for (const e of this.pending.splice(0)) listener(e);
    return () => this.listeners.delete(listener);
  }

  /** Takes the events waiting in the buffers now (e.g. at exit, when no iteration will run again). */
  flush(): void {
    for (const s of this.streams) s.flush();
  }

  /** Every map as `bpftool -j map dump` prints it, by name. */
  dumpMaps(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const m of Object.values(this.object.maps)) out[m.name] = JSON.parse(bpftoolMapDump(m, this.object.spec.btf)) as unknown;
    return out;
  }

  /** Detaches every program and stops the streams (the object stays loaded). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.links) l.detach();
    for (const s of this.streams) s.close();
  }
}
