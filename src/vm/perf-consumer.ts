import type { PerfEventArrayMap } from '../maps/perf-event-array-map.js';
import type { PerfEventBuffer } from '../maps/perf-event-buffer.js';

/** One record from a CPU's perf buffer: a sample, or how many were lost since the last record. */
export type VmPerfRecord =
  | { readonly type: 'sample'; readonly cpu: number; readonly data: Uint8Array }
  | { readonly type: 'lost'; readonly cpu: number; readonly lost: number };

/**
 * Consumer of a VM perf_event_array, with the interface of the kernel's
 * perf buffer reader: one buffer per CPU installed in the map (as libbpf's
 * perf_buffer__new), samples in CPU order by drain(), or awaited one by one.
 */
export class VmPerfConsumer implements AsyncIterable<VmPerfRecord> {
  private readonly buffers: PerfEventBuffer[];
  private readonly reportedLost: number[];
  private readonly unsubscribe: Array<() => void>;
  private queue: VmPerfRecord[] = [];
  private waiting: Array<() => void> = [];
  private done = false;

  constructor(map: PerfEventArrayMap, pageCount = 8) {
    this.buffers = map.openAll(pageCount * 4096);
    this.reportedLost = this.buffers.map(() => 0);
    this.unsubscribe = this.buffers.map((b) => b.onSample(() => this.wake()));
  }

  get closed(): boolean {
    return this.done;
  }

  /** Samples lost so far (buffers full), over every CPU. */
  get lost(): number {
    return this.buffers.reduce((n, b) => n + b.lost, 0);
  }

  drain(): VmPerfRecord[] {
    this.collect();
    return this.queue.splice(0);
  }

  async read(): Promise<VmPerfRecord | undefined> {
    for (;;) {
      if (this.done) return undefined;
      this.collect();
      const next = this.queue.shift();
      if (next !== undefined) return next;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<VmPerfRecord> {
    for (let r = await this.read(); r !== undefined; r = await this.read()) yield r;
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    for (const u of this.unsubscribe) u();
    this.wake();
  }

  private collect(): void {
    this.buffers.forEach((b, i) => {
      if (b.lost > this.reportedLost[i]) {
        this.queue.push({ type: 'lost', cpu: b.cpu, lost: b.lost - this.reportedLost[i] });
        this.reportedLost[i] = b.lost;
      }
      for (const data of b.drain()) this.queue.push({ type: 'sample', cpu: b.cpu, data });
    });
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
