import { helperRuntime } from '../../helpers/runtime.js';
import { TracePipe, type TraceRecord } from '../../helpers/trace-pipe.js';
import { Arena } from '../../memory/arena.js';
import { HookError } from '../errors.js';
import type { LiveProgramLike } from '../object-program.js';
import { RecordStream, type RecordSource, type RecordStreamOptions } from './record-stream.js';

/** A loaded object (loadObject() on the VM backend), as far as its trace pipe goes. */
export interface TracedObject {
  readonly name: string;
  readonly programs: Readonly<Record<string, LiveProgramLike>>;
}

/**
 * bpf_trace_printk() / bpf_trace_vprintk() output of the programs of one
 * loaded object (or of one arena), as /sys/kernel/tracing/trace_pipe gives
 * it: an async iterator of records (reading consumes them); `lost` counts
 * records the trace buffer overwrote before anyone read them.
 * TracePipe.format(record) is the kernel's trace_pipe line.
 */
export function tracePipeEvents(from: Arena | TracedObject, options: RecordStreamOptions = {}): RecordStream<TraceRecord, TraceRecord> {
  const pipe = helperRuntime(from instanceof Arena ? from : arenaOf(from)).tracePipe;
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

/** The arena every VM program of an object shares. */
function arenaOf(object: TracedObject): Arena {
  const vm = Object.values(object.programs).find((p) => p.vmProgram !== null)?.vmProgram;
  if (!vm) throw new HookError(`object ${object.name} has no program in tsbpf's VM: kernel programs print to the kernel's trace_pipe`);
  return vm.arena;
}

/** The trace_pipe text of a record (with its newline). */
export const formatTraceRecord = (r: TraceRecord): string => TracePipe.format(r);
