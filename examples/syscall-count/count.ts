// The syscall counter in the Linux kernel: loads syscall_count.bpf.o with
// tsbpf's kernel backend, attaches count_openat to the
// syscalls:sys_enter_openat tracepoint (as its section says), and prints the
// processes that opened the most files, every second.
//
//   sudo node --import tsx examples/syscall-count/count.ts [SECONDS] [TOP] [--load]
//
// --load also runs a small workload (a shell that opens /etc/hostname ten
// times a second) so that an idle machine has something to show. Needs root
// (or CAP_BPF + CAP_PERFMON); tracefs is mounted when it is not.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadObject } from '../../src/object/index.js';
import { kernelAvailable } from '../../src/kernel/index.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const seconds = Number(args[0] ?? 5);
const top = Number(args[1] ?? 10);
const withLoad = process.argv.includes('--load');
if (!Number.isInteger(seconds) || seconds <= 0 || !Number.isInteger(top) || top <= 0) {
  console.error('usage: count.ts [SECONDS] [TOP] [--load]');
  process.exit(2);
}

const available = kernelAvailable();
if (!available.ok) {
  console.error(`syscall-count needs the kernel's bpf(): ${available.reason}`);
  process.exit(1);
}

const object = join(dirname(fileURLToPath(import.meta.url)), 'syscall_count.bpf.o');
const obj = await loadObject(object, { backend: 'kernel' });
const link = obj.program('count_openat').attach();
const counts = obj.map('counts');
console.log(`attached count_openat to ${link.target} (link id ${link.info().id}); counting openat() for ${seconds}s`);

let load: ChildProcess | undefined;
if (withLoad) load = spawn('sh', ['-c', 'while :; do cat /etc/hostname > /dev/null; sleep 0.1; done'], { stdio: 'ignore' });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
try {
  for (let second = 1; second <= seconds; second++) {
    await sleep(1000);
    const rows = counts.entries()
      .map(([comm, n]) => ({ comm: String(comm), opens: BigInt(n as bigint | number) }))
      .sort((a, b) => (b.opens > a.opens ? 1 : b.opens < a.opens ? -1 : a.comm.localeCompare(b.comm)))
      .slice(0, top);
    console.log(`\n--- ${second}s: top ${rows.length} of ${counts.keys().length} processes by openat() calls ---`);
    console.log(`${'COMM'.padEnd(16)} ${'OPENS'.padStart(8)}`);
    for (const row of rows) console.log(`${row.comm.padEnd(16)} ${String(row.opens).padStart(8)}`);
  }
} finally {
  load?.kill();
  link.close();
  obj.close();
}
