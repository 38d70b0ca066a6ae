// Child process for attach-release.test.ts.
//   leak          attaches a tracepoint, a raw tracepoint and perf_event sampling, opens a ring
//                 buffer reader, prints {"links":[ids],"progs":[ids]} and exits without closing anything
//   unprivileged  (run as nobody) prints what each privileged operation throws
import { KernelMap, RingBufferReader, attachPerfEvent, attachRawTracepoint, attachTracepoint, kernelAvailable, openPinned } from '../../src/kernel/index.js';
import { BpfProgType } from '../../src/kernel/uapi.js';
import { counterMap, eventCounter, load } from './attach-programs.js';

const mode = process.argv[2];
if (mode === 'leak') {
  const map = counterMap();
  const tp = load('BPF_PROG_TYPE_TRACEPOINT', 'leak_tp', eventCounter(), [map]);
  const raw = load('BPF_PROG_TYPE_RAW_TRACEPOINT', 'leak_raw', eventCounter(), [map]);
  const perf = load('BPF_PROG_TYPE_PERF_EVENT', 'leak_perf', eventCounter(), [map]);
  const links = [attachTracepoint(tp, 'syscalls/sys_enter_openat'), attachRawTracepoint(raw, 'sys_enter'), attachPerfEvent(perf, { frequency: 10 })];
  const rb = KernelMap.create({ type: 'BPF_MAP_TYPE_RINGBUF', keySize: 0, valueSize: 0, maxEntries: 4096 });
  new RingBufferReader(rb);
  console.log(JSON.stringify({ links: links.flatMap((l) => l.ids), progs: [tp, raw, perf].map((p) => p.info().id) }));
  process.exit(0);
} else if (mode === 'unprivileged') {
  const outcome = (fn: () => unknown): string => {
    try {
      fn();
      return 'ok';
    } catch (err) {
      const e = err as Error & { code?: string };
      return `${e.constructor.name} ${e.code ?? ''}: ${e.message}`;
    }
  };
  const available = kernelAvailable();
  console.log(JSON.stringify({
    available: available.ok ? 'ok' : available.reason,
    mapCreate: outcome(() => KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize: 4, maxEntries: 1 })),
    objGet: outcome(() => openPinned('/sys/fs/bpf/tsbpf/anything')),
    tracepoint: outcome(() => attachTracepoint({ fd: 0, type: BpfProgType.BPF_PROG_TYPE_TRACEPOINT, name: 'x' }, 'syscalls/sys_enter_openat')),
  }));
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
