/**
 * One CPU's perf ring of a perf_event_array, holding the samples that
 * bpf_perf_event_output() writes (PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW).
 * Space is accounted as in the kernel's ring: 8 bytes of perf_event_header
 * plus the u32 raw size and the data padded so the record is 8-byte aligned;
 * a sample that does not fit is lost (counted, as PERF_RECORD_LOST reports).
 */
export class PerfEventBuffer {
  private readonly samples: Uint8Array[] = [];
  private used = 0;
  /** Samples dropped because the buffer was full. */
  lost = 0;
  private readonly listeners = new Set<() => void>();

  /**
   * @param cpu the CPU whose samples this buffer takes (the kernel refuses
   *   output to a perf event of another CPU with -EOPNOTSUPP)
   * @param capacity bytes of the ring (libbpf's perf_buffer uses page_cnt pages)
   */
  constructor(readonly cpu: number, readonly capacity = 64 * 4096) {}

  /** Record size of a raw sample of `size` bytes in the ring. */
  static recordSize(size: number): number {
    return 8 + ((size + 4 + 7) & ~7);
  }

  /** Appends a sample; false (and one more lost) when it does not fit. */
  write(data: Uint8Array): boolean {
    const record = PerfEventBuffer.recordSize(data.length);
    if (this.used + record > this.capacity) {
      this.lost++;
      return false;
    }
    // The raw sample carries its padding, as perf delivers it (size rounded so that size + 4 is a multiple of 8).
    const padded = new Uint8Array(record - 12);
    padded.set(data);
    this.samples.push(padded);
    this.used += record;
    for (const l of this.listeners) l();
    return true;
  }

  /** Samples waiting to be read. */
  get pending(): number {
    return this.samples.length;
  }

  /** Removes and returns every waiting sample, oldest first. */
  drain(): Uint8Array[] {
    const out = this.samples.splice(0);
    this.used = 0;
    return out;
  }

  /** Calls `listener` after each sample written; returns a function that removes it. */
  onSample(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
