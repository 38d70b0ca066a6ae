import { helperRuntime } from '../../helpers/runtime.js';
import { TracePipe, type TraceRecord } from '../../helpers/trace-pipe.js';
import type { Arena } from '../../memory/arena.js';
import { RecordStream, type RecordSource, type RecordStreamOptions } from './record-stream.js';

/**
 * bpf_trace_printk() / bpf_trace_vprintk() output of the programs of one
 * arena (one loaded object), as /sys/kernel/tracing/trace_pipe gives it:
 * an async iterator of records (reading consumes them); `lost` counts
 * records the trace buffer overwrote before anyone read them.
 * TracePipe.format(record) is the kernel's trace_pipe line.
 */
export function tracePipeEvents(arena: Arena, options: RecordStreamOptions = {}): RecordStream<TraceRecord, TraceRecord> {
  const pipe = helperRuntime(arena).tracePipe;
  const taken: TraceRecord[] = [];
  const source: RecordSource<TraceRecord> = {
    take: (max) => {
      if (taken.length === 0) taken.push(...pipe.readRecords());
      return taken.splice(0, max);
    },
    onWake: (wake) => pipe.onRecord(() => wake()),
    lost: () => pipe.lost,
  };
  return new RecordStream(source, (r: TraceRecord) => r, options);
}

/** The trace_pipe text of a record (with its newline). */
export const formatTraceRecord = (r: TraceRecord): string => TracePipe.format(r);
