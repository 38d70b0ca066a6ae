import { spawn } from 'node:child_process';
import type { SessionEvent } from '../../hooks/session/attach-session.js';
import { formatRecord } from '../../hooks/session/record-format.js';
import type { AttachOptions } from '../../kernel/attach/attach-by-section.js';
import { AttachProgramError } from '../../kernel/attach/errors.js';
import type { KernelLink } from '../../kernel/attach/kernel-link.js';
import type { PerfConsumer, RingConsumer } from '../../object/backend.js';
import type { BpfObject } from '../../object/bpf-object.js';
import { bpftoolMapDump } from '../../object/bpftool-dump.js';

export interface KernelAttachOptions {
  /** Stop after this many milliseconds (default: when COMMAND exits, or at SIGINT/SIGTERM). */
  readonly durationMs?: number;
  /** A command to run while the programs are attached; its exit ends the run. */
  readonly command?: readonly string[];
  /** With --json, COMMAND's stdout goes to stderr so that stdout holds tsbpf's JSON only. */
  readonly commandStdoutToStderr?: boolean;
  /** What section names cannot say: interface, cgroup, pid... */
  readonly attach?: AttachOptions;
  readonly onEvent: (e: SessionEvent) => void;
  /** Each program attached (hook) or left out (null, and why). */
  readonly onAttach?: (program: string, hook: string | null, reason?: string) => void;
}

export interface KernelAttachResult {
  /** Every map as `bpftool -j map dump` prints it, by name, after the programs were detached. */
  readonly maps: Record<string, unknown>;
  /** The links as they were: program, kind, target, kernel link ids. */
  readonly links: Array<{ program: string; kind: string; target: string; ids: number[] }>;
  /** COMMAND's exit status (128 + signal when killed), or 0 without one. */
  readonly exitCode: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/**
 * The kernel side of `tsbpf attach OBJ --backend kernel`: every program of
 * an object loaded in the kernel attached where its section says (bpf links;
 * programs whose hook needs what a section cannot say are left out, as the
 * VM session leaves them), ring buffer records and perf buffer samples
 * streamed as the VM session streams them (same events, BTF-formatted where
 * a struct fits), and when the run ends (duration, COMMAND's exit, or
 * SIGINT/SIGTERM) everything detached and every map dumped as bpftool does.
 */
export async function runKernelAttach(obj: BpfObject<'kernel'>, options: KernelAttachOptions): Promise<KernelAttachResult> {
  const links: Array<{ program: string; link: KernelLink }> = [];
  const consumers: Array<{ map: string; consumer: RingConsumer | PerfConsumer }> = [];
  const btf = obj.spec.btf;
  const record = (kind: 'ringbuf' | 'perf', map: string, bytes: Uint8Array): void => {
    const f = formatRecord(btf, bytes);
    options.onEvent({ kind, map, data: hex(bytes), ...(f ? { type: f.type, formatted: JSON.parse(f.json) as unknown } : {}) });
  };
  let exitCode = 0;
  try {
    for (const program of Object.values(obj.programs)) {
      let link: KernelLink;
      try {
        link = program.attach(options.attach);
      } catch (err) {
        if (!(err instanceof AttachProgramError)) throw err;
        options.onAttach?.(program.name, null, err.reason);
        continue;
      }
      links.push({ program: program.name, link });
      options.onAttach?.(program.name, `${link.kind} ${link.target}`);
    }
    const loops: Promise<void>[] = [];
    for (const map of Object.values(obj.maps)) {
      if (map.type === 'ringbuf') {
        const ring = map.ringBuffer();
        consumers.push({ map: map.name, consumer: ring });
        loops.push((async () => { for await (const r of ring) record('ringbuf', map.name, r); })());
      } else if (map.type === 'perf_event_array') {
        const perf = map.perfBuffer();
        consumers.push({ map: map.name, consumer: perf });
        loops.push((async () => {
          for await (const r of perf) if (r.type === 'sample') record('perf', map.name, r.data);
        })());
      }
    }
    exitCode = await untilDone(options);
    const described = links.map(({ program, link }) => ({ program, kind: link.kind, target: link.target, ids: link.isBpfLink ? link.ids : [] }));
    for (const { link } of links) link.close();
    links.length = 0;
    // What the programs sent before they were detached, then the consumers stop.
    for (const { map, consumer } of consumers) {
      for (const r of consumer.drain()) {
        if (r instanceof Uint8Array) record('ringbuf', map, r);
        else if (r.type === 'sample') record('perf', map, r.data);
      }
    }
    for (const { consumer } of consumers) consumer.close();
    await Promise.all(loops);
    const maps: Record<string, unknown> = {};
    for (const m of Object.values(obj.maps)) maps[m.name] = JSON.parse(bpftoolMapDump(m, btf)) as unknown;
    return { maps, links: described, exitCode };
  } finally {
    for (const { consumer } of consumers) consumer.close();
    for (const { link } of links) link.close();
  }
}

/** Waits for the end of the run: COMMAND's exit (its status), the duration, or SIGINT/SIGTERM (0). */
function untilDone(options: KernelAttachOptions): Promise<number> {
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
    if (options.durationMs !== undefined) {
      const timer = setTimeout(() => finish(0), options.durationMs);
      cleanups.push(() => clearTimeout(timer));
    }
    const command = options.command ?? [];
    if (command.length > 0) {
      const child = spawn(command[0], command.slice(1), { stdio: ['inherit', options.commandStdoutToStderr ? 'pipe' : 'inherit', 'inherit'] });
      child.stdout?.pipe(process.stderr, { end: false });
      child.on('error', (err) => { process.stderr.write(`tsbpf: ${command[0]}: ${err.message}\n`); finish(127); });
      child.on('exit', (code, signal) => finish(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
      cleanups.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill(); });
    }
  });
}
