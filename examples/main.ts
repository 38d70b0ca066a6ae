// The main job: unmodified clang-compiled eBPF programs doing real work.
//  1. A latency histogram per HTTP route, attached to a live Node.js app's
//     request tracepoints (`tsbpf attach OBJ -- node app.js`).
//  2. An XDP firewall over a real packet capture, in tsbpf's VM (verified,
//     JIT-compiled), with its maps filled from TypeScript.
//  3. The same object in the Linux kernel, where bpf() is permitted: the same
//     packets give the same verdicts and the same map contents.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelAvailable, loadObject, readCapture } from '../src/index.js';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const path = (p: string): string => join(root, p);

function section(title: string): void {
  console.log(`\n=== ${title}`);
}

section('1. tsbpf attach examples/hooks/http_latency.bpf.o -- node examples/hooks/apps/http-app.mjs');
const attached = spawnSync(process.execPath,
  [path('bin/tsbpf.js'), 'attach', path('examples/hooks/http_latency.bpf.o'), '--', process.execPath, path('examples/hooks/apps/http-app.mjs')],
  { encoding: 'utf8' });
process.stdout.write(attached.stdout);
process.stderr.write(attached.stderr);
if (attached.status !== 0) process.exit(attached.status ?? 1);

section('2. XDP firewall (test/fixtures/xdp_firewall.c) over a capture, in the VM');
const packets = readCapture(readFileSync(path('test/hooks/fixtures/captures/lo-traffic.pcap'))).packets.map((p) => p.data);
const VERDICTS = ['XDP_ABORTED', 'XDP_DROP', 'XDP_PASS', 'XDP_TX'];

/**
 * Drops DNS (port 53) and port 12345, counts port 9999 without dropping it,
 * denies 10.0.0.0/8 (an LPM prefix), runs every packet; returns the maps as text.
 */
async function firewall(backend: 'vm' | 'kernel'): Promise<string> {
  const obj = await loadObject(path('test/fixtures/xdp_firewall.o'), { backend });
  try {
    obj.maps.port_rules.set(53, { drops: 0n, action: 1 /* XDP_DROP */, hits: 0 });
    obj.maps.port_rules.set(12345, { drops: 0n, action: 1, hits: 0 });
    obj.maps.port_rules.set(9999, { drops: 0n, action: 2 /* XDP_PASS */, hits: 0 });
    obj.maps.deny_v4.set({ prefixlen: 8, addr: 0x0000000a }, 1);
    const counts = new Map<string, number>();
    for (const frame of packets) {
      const { retval } = await obj.programs.xdp_firewall.testRun({ dataIn: frame });
      counts.set(VERDICTS[retval] ?? String(retval), (counts.get(VERDICTS[retval] ?? String(retval)) ?? 0) + 1);
    }
    console.log(`${backend}: ${packets.length} packets:`, Object.fromEntries(counts));
    // A kernel hash map's order depends on a random seed: compare entries by key.
    const byKey = (entries: Iterable<[unknown, unknown]>) => [...entries].sort(([a], [b]) => Number(a) - Number(b));
    const maps = { verdicts: byKey(obj.maps.verdicts.entries()), port_rules: byKey(obj.maps.port_rules.entries()) };
    const text = JSON.stringify(maps, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
    console.log(`${backend}: maps ${text}`);
    return text;
  } finally {
    obj.close();
  }
}
const vm = await firewall('vm');

section('3. The same object in the Linux kernel (BPF_PROG_TEST_RUN)');
const kernel = kernelAvailable();
if (!kernel.ok) {
  console.log(`skipped: ${kernel.reason}`);
} else {
  const k = await firewall('kernel');
  console.log(k === vm ? 'the kernel agrees: same verdicts, same map contents' : 'MISMATCH between the VM and the kernel');
  if (k !== vm) process.exit(1);
}
