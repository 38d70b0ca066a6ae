/** One bpf_trace_printk() call, as the trace buffer keeps it. */
export interface TraceRecord {
  /** CLOCK_MONOTONIC of the call, in nanoseconds. */
  readonly timestampNs: bigint;
  readonly cpu: number;
  readonly pid: number;
  readonly comm: string;
  /** The formatted message (UTF-8 decoded) and its bytes. */
  readonly message: string;
  readonly bytes: Uint8Array;
}

/**
 * The trace buffer that bpf_trace_printk() and bpf_trace_vprintk() write,
 * read like /sys/kernel/tracing/trace_pipe: reading consumes. Lines look like
 * the kernel's (`<comm>-<pid> [<cpu>] <flags> <secs>.<usecs>: bpf_trace_printk: <message>`),
 * each ending in a newline added after the message, as the kernel's trace
 * event does (so a message that ends in "\n" is followed by an empty line).
 * When more than `capacity` records wait, the oldest are overwritten and counted as lost.
 */
export class TracePipe {
  private records: TraceRecord[] = [];
  private readonly listeners = new Set<(record: TraceRecord) => void>();
  /** Records overwritten before anyone read them. */
  lost = 0;

  constructor(readonly capacity = 65536) {}

  write(record: TraceRecord): void {
    this.records.push(record);
    if (this.records.length > this.capacity) {
      this.records.shift();
      this.lost++;
    }
    for (const l of this.listeners) l(record);
  }

  /** Records waiting to be read. */
  get pending(): number {
    return this.records.length;
  }

  /** Removes and returns every waiting record. */
  readRecords(): TraceRecord[] {
    const out = this.records;
    this.records = [];
    return out;
  }

  /** Removes every waiting record and returns them as trace_pipe text. */
  read(): string {
    return this.readRecords().map(TracePipe.format).join('');
  }

  /** Calls `listener` for every record written; returns a function that removes it. */
  onRecord(listener: (record: TraceRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A record as a trace_pipe line (with its newline). */
  static format(r: TraceRecord): string {
    const us = r.timestampNs / 1000n;
    const secs = String(us / 1_000_000n).padStart(5, ' ');
    const micros = String(us % 1_000_000n).padStart(6, '0');
    const task = `${r.comm.padStart(16, ' ')}-${String(r.pid).padEnd(7, ' ')}`;
    return `${task} [${String(r.cpu).padStart(3, '0')}] ..... ${secs}.${micros}: bpf_trace_printk: ${r.message}\n`;
  }
}
