import { spawn } from 'node:child_process';
import { loadObjectSpec } from '../../elf/load.js';
import { attachBySection, type AttachOptions } from '../../kernel/attach/attach-by-section.js';
import type { KernelLink } from '../../kernel/attach/kernel-link.js';
import { PerfBufferReader, type PerfRecord } from '../../kernel/events/perf-buffer-reader.js';
import { RingBufferReader } from '../../kernel/events/ring-buffer-reader.js';
import { KernelObject } from '../../kernel/object/kernel-object.js';
import { BpfMapType } from '../../kernel/uapi.js';
import { dumpMap, mapDumpJson, mapDumpText } from '../kernel-inspect/map-dump.js';
import { requireKernel } from '../kernel-inspect/selection.js';

export interface KernelAttachRun {
  /** The ELF object. */
  readonly object: string;
  /** Stop after this many seconds (default: when COMMAND exits, or at SIGINT/SIGTERM). */
  readonly duration?: number;
  readonly json?: boolean;
  /** A command to run while the programs are attached; its exit ends the run. */
  readonly command?: readonly string[];
  /** What section names cannot say: interface, cgroup, pid... */
  readonly attach?: AttachOptions;
  /** Where lines go (default stdout). */
  readonly write?: (line: string) => void;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** One event line: `{"event":{...}}` with --json, else `map[ cpu N]: hex` / `map cpu N: lost N`. */
function eventLine(map: string, record: Uint8Array | PerfRecord, json: boolean): string {
  if (record instanceof Uint8Array) return json ? JSON.stringify({ event: { map, data: hex(record) } }) : `${map}: ${hex(record)}`;
  if (record.type === 'sample') return json ? JSON.stringify({ event: { map, cpu: record.cpu, data: hex(record.data) } }) : `${map} cpu ${record.cpu}: ${hex(record.data)}`;
  return json ? JSON.stringify({ event: { map, cpu: record.cpu, lost: record.lost } }) : `${map} cpu ${record.cpu}: lost ${record.lost}`;
}

/**
 * `tsbpf attach OBJ --backend kernel`: loads OBJ into the kernel, attaches
 * every program where its section says (bpf links), prints each ring buffer
 * record and perf buffer sample as it comes, and when the run ends (duration,
 * COMMAND's exit, or SIGINT/SIGTERM) detaches everything and prints every
 * map's contents (`bpftool -j map dump` JSON with --json). Returns COMMAND's
 * exit status when there is one, else 0.
 */
export async function runKernelAttach(run: KernelAttachRun): Promise<number> {
  const write = run.write ?? ((line: string) => { process.stdout.write(`${line}\n`); });
  const json = run.json === true;
  requireKernel();
  const object = KernelObject.load(loadObjectSpec(run.object));
  const links: KernelLink[] = [];
  const readers: Array<{ name: string; reader: RingBufferReader | PerfBufferReader }> = [];
  let exitCode = 0;
  try {
    for (const { spec, program } of object.programs.values()) {
      const link = attachBySection(program, spec, run.attach);
      links.push(link);
      if (!json) write(`attached ${spec.name} to ${link.kind} ${link.target}`);
    }
    for (const [name, { map }] of object.maps) {
      if (map.type === BpfMapType.BPF_MAP_TYPE_RINGBUF) readers.push({ name, reader: new RingBufferReader(map) });
      else if (map.type === BpfMapType.BPF_MAP_TYPE_PERF_EVENT_ARRAY) readers.push({ name, reader: new PerfBufferReader(map) });
    }
    const consumers = readers.map(async ({ name, reader }) => {
      for await (const record of reader) write(eventLine(name, record, json));
    });
    exitCode = await untilDone(run);
    for (const l of links) l.close();
    // What the programs sent before they were detached, then stop the readers.
    for (const { name, reader } of readers) for (const record of reader.drain()) write(eventLine(name, record, json));
    for (const { reader } of readers) reader.close();
    await Promise.all(consumers);
    const dumps = [...object.maps]
      .filter(([, { map }]) => map.type !== BpfMapType.BPF_MAP_TYPE_RINGBUF && map.type !== BpfMapType.BPF_MAP_TYPE_PERF_EVENT_ARRAY)
      .map(([name, { map }]) => ({ name, dump: dumpMap(map) }));
    if (json) write(`{"maps":{${dumps.map((d) => `${JSON.stringify(d.name)}:${mapDumpJson(d.dump)}`).join(',')}}}`);
    else for (const d of dumps) write(`map ${d.name}:\n${mapDumpText(d.dump)}`);
  } finally {
    for (const { reader } of readers) reader.close();
    for (const l of links) l.close();
    object.close();
  }
  return exitCode;
}

/** Waits for the end of the run: COMMAND's exit (its status), the duration, or SIGINT/SIGTERM (0). */
function untilDone(run: KernelAttachRun): Promise<number> {
  return new Promise((resolve) => {
    const cleanups: Array<() => void> = [];
    const finish = (code: number): void => {
      for (const c of cleanups) c();
      resolve(code);
    };
    const onSignal = (): void => finish(0);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    cleanups.push(() => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); });
    if (run.duration !== undefined) {
      const timer = setTimeout(() => finish(0), run.duration * 1000);
      cleanups.push(() => clearTimeout(timer));
    }
    const command = run.command ?? [];
    if (command.length > 0) {
      // With --json, COMMAND's output goes to stderr so that stdout holds tsbpf's JSON only.
      const child = spawn(command[0], command.slice(1), { stdio: ['inherit', run.json ? 'pipe' : 'inherit', 'inherit'] });
      child.stdout?.pipe(process.stderr, { end: false });
      child.on('error', (err) => { process.stderr.write(`tsbpf: ${command[0]}: ${err.message}\n`); finish(127); });
      child.on('exit', (code, signal) => finish(code ?? (signal ? 128 : 0)));
      cleanups.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill(); });
    }
  });
}
