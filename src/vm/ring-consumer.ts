import type { RingBufMap } from '../maps/ringbuf-map.js';

/**
 * Consumer of a VM ring buffer, with the interface of the kernel's reader:
 * drain() takes the committed records, read() and async iteration wait for
 * the next one (woken by the producer's submit, as epoll would be).
 */
export class VmRingConsumer implements AsyncIterable<Uint8Array> {
  private waiting: Array<() => void> = [];
  private readonly unsubscribe: () => void;
  private done = false;

  constructor(private readonly ring: RingBufMap) {
    this.unsubscribe = ring.onWakeup(() => this.wake());
  }

  get closed(): boolean {
    return this.done;
  }

  drain(limit = Infinity): Uint8Array[] {
    return this.done ? [] : this.ring.drain(limit);
  }

  /** The next record, waiting for one; undefined once closed. */
  async read(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (this.done) return undefined;
      const [record] = this.ring.drain(1);
      if (record !== undefined) return record;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (let r = await this.read(); r !== undefined; r = await this.read()) yield r;
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.unsubscribe();
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}
