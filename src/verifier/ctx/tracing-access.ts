// Valid context accesses of the tracing program types (kernel/trace/bpf_trace.c).
import { PERF_EVENT_DATA, PERF_EVENT_DATA_SIZE, PT_REGS_SIZE } from '../../progtypes/pt-regs.js';
import { RegType } from '../reg-type.js';

/** PERF_MAX_TRACE_SIZE */
const PERF_MAX_TRACE_SIZE = 8192;
/** MAX_BPF_FUNC_ARGS */
const MAX_BPF_FUNC_ARGS = 12;

/** kprobe_prog_is_valid_access: reads inside struct pt_regs. */
export function kprobeCtxAccess(off: number, size: number, write: boolean): number | null {
  if (off < 0 || off >= PT_REGS_SIZE) return null;
  if (write) return null;
  if (off % size !== 0) return null;
  if (off + size > PT_REGS_SIZE) return null;
  return RegType.SCALAR_VALUE;
}

/** tp_prog_is_valid_access: reads past the common header. */
export function tracepointCtxAccess(off: number, size: number, write: boolean): number | null {
  if (off < 8 || off >= PERF_MAX_TRACE_SIZE) return null;
  if (write) return null;
  if (off % size !== 0) return null;
  return RegType.SCALAR_VALUE;
}

/** raw_tp_prog_is_valid_access (bpf_tracing_ctx_access): the u64 arguments. */
export function rawTpCtxAccess(off: number, size: number, write: boolean): number | null {
  if (off < 0 || off >= 8 * MAX_BPF_FUNC_ARGS) return null;
  if (write) return null;
  if (off % size !== 0) return null;
  return RegType.SCALAR_VALUE;
}

const narrowOk = (size: number, fieldSize: number): boolean => size <= fieldSize && (size & (size - 1)) === 0;

/** pe_prog_is_valid_access: struct bpf_perf_event_data. */
export function perfEventCtxAccess(off: number, size: number, write: boolean): number | null {
  if (off < 0 || off >= PERF_EVENT_DATA_SIZE) return null;
  if (write) return null;
  if (off % size !== 0) return null;
  const inField = (f: number): boolean => off >= f && off < f + 8;
  if (inField(PERF_EVENT_DATA.sample_period) || inField(PERF_EVENT_DATA.addr)) {
    if (!narrowOk(size, 8)) return null;
  } else if (size !== 8) {
    return null;
  }
  return RegType.SCALAR_VALUE;
}
