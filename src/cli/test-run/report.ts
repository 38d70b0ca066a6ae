import type { BpfObject } from '../../object/bpf-object.js';
import { bpftoolMapDump } from '../../object/bpftool-dump.js';
import type { TestRunResult } from '../../object/backend.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** One line per run, as `bpftool prog run` prints it (always with "(average)", as the CLI contract writes it). */
export function textLine(result: TestRunResult): string {
  return `Return value: ${result.retval}, duration (average): ${result.durationNs}ns`;
}

/**
 * The --json report: `{"results":[{"retval":R,"duration_ns":N,"data_out":"<hex>"}…],
 * "maps":{"<name>":[…]}}` with each map dumped exactly as `bpftool -j map dump`.
 */
export function jsonReport(results: readonly TestRunResult[], obj: BpfObject): string {
  const runs = results.map((r) => `{"retval":${r.retval},"duration_ns":${r.durationNs},"data_out":"${hex(r.dataOut)}"}`);
  const maps = Object.values(obj.maps).map((m) => `${JSON.stringify(m.name)}:${bpftoolMapDump(m, obj.spec.btf)}`);
  return `{"results":[${runs.join(',')}],"maps":{${maps.join(',')}}}`;
}
