/**
 * Records from a BPF map to TypeScript as an async iterator. The source is
 * pulled only as fast as the consumer iterates: records wait in the map's
 * own buffer (a ring buffer's data area, a perf buffer), so a slow consumer
 * pushes back on the programs, whose reservations or outputs then fail, as
 * in the kernel. `lost` counts records that never reach the consumer.
 */
export interface RecordSource<R = Uint8Array> {
  /** Takes up to `max` waiting records, oldest first. */
  take(max: number): R[];
  /** Calls `wake` when records may be waiting; returns the function that stops it. */
  onWake(wake: () => void): () => void;
  /** Records lost so far (perf buffers: samples that did not fit; ring buffers: dropped by this stream). */
  lost(): number;
}

export interface RecordStreamOptions {
  /** Also look for records this often (ms), for producers that skip wakeups (BPF_RB_NO_WAKEUP); default 100. */
  readonly pollMs?: number;
  /** Ends the iteration. */
  readonly signal?: AbortSignal;
}

export class RecordStream<T = Uint8Array, R = Uint8Array> implements AsyncIterableIterator<T> {
  private waiting: Array<(r: IteratorResult<T>) => void> = [];
  private buffered: T[] = [];
  private closed = false;
  private readonly stopWake: () => void;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly source: RecordSource<R>, private readonly decode: (raw: R) => T, options: RecordStreamOptions = {}) {
    this.stopWake = source.onWake(() => this.pump());
    this.timer = setInterval(() => this.pump(), options.pollMs ?? 100).unref();
    options.signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  /** Records the source lost (never delivered). */
  get lost(): number {
    return this.source.lost();
  }

  /** Delivers waiting records to waiting consumers (only as many as they ask for). */
  private pump(): void {
    while (this.waiting.length > 0) {
      const next = this.buffered.shift() ?? this.source.take(1).map(this.decode)[0];
      if (next === undefined) return;
      this.waiting.shift()!({ value: next, done: false });
    }
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.closed) return { value: undefined, done: true };
    const ready = this.buffered.shift() ?? this.source.take(1).map(this.decode)[0];
    if (ready !== undefined) return { value: ready, done: false };
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Every record waiting now, without waiting for more. */
  takeAll(): T[] {
    const out = this.buffered.splice(0);
    return out.concat(this.source.take(Infinity).map(this.decode));
  }

  async return(): Promise<IteratorResult<T>> {
    this.close();
    return { value: undefined, done: true };
  }

  /** Stops the stream: pending next() calls end, the map is left alone. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopWake();
    clearInterval(this.timer);
    for (const w of this.waiting.splice(0)) w({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
