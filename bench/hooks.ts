// Hook overhead: requests/s of a small HTTP server with nothing attached and
// with programs attached (a latency histogram on the response tracepoint,
// a function probe), the cost of one event, and packets/s through an XDP
// firewall over a capture. Run: node --import tsx bench/hooks.ts
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import dc from 'node:diagnostics_channel';
import { attach } from '../src/hooks/attach.js';
import type { Link } from '../src/hooks/link.js';
import { readCaptureFile } from '../src/hooks/packets/capture/read-capture.js';
import { PacketInterface } from '../src/hooks/packets/packet-interface.js';
import { replayCapture } from '../src/hooks/packets/replay.js';
import { uprobe, uretprobe } from '../src/hooks/uprobes/targets.js';
import { loadObject } from '../src/object/load-object.js';
import type { EngineName } from '../src/engine/select.js';
import { formatNumber, formatTable } from './table.js';

const root = join(import.meta.dirname, '..');
const example = (name: string): string => join(root, 'examples', 'hooks', `${name}.bpf.o`);
const run = promisify(execFile);
const DURATION_MS = Number(process.env.TSBPF_BENCH_HTTP_MS ?? 2000);
/** Configurations are measured in turn, ROUNDS times; each reports its median (the machine's noise spreads over all). */
const ROUNDS = Number(process.env.TSBPF_BENCH_ROUNDS ?? 3);
const CONCURRENCY = 16;

/** A request handler that calls a "database" function, so a function probe has something to probe. */
const db = { lookup(id: string): string { return `user ${id}`; } };

/** Requests per second, and the server's CPU time per request in µs (robust to other load on the machine). */
async function measure(port: number): Promise<{ rps: number; cpuUs: number }> {
  const cpu0 = process.cpuUsage();
  const { stdout } = await run(process.execPath, [join(root, 'bench', 'hooks-load.mjs'), String(port), String(DURATION_MS), String(CONCURRENCY)]);
  const cpu = process.cpuUsage(cpu0);
  const requests = Number(stdout.trim());
  return { rps: requests / (DURATION_MS / 1000), cpuUs: (cpu.user + cpu.system) / requests };
}

interface Config {
  readonly name: string;
  setup(): Promise<() => void>;
}

async function httpRows(): Promise<string[][]> {
  const server = http.createServer((req, res) => res.end(db.lookup(req.url ?? '')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const latency = (engine: EngineName): Config => ({
    name: `latency histogram (response tracepoint, ${engine})`,
    setup: async () => {
      const o = await loadObject(example('http_latency'), { engine });
      const link = attach(o.program('on_response'));
      return () => { link.detach(); o.close(); };
    },
  });
  const probe = (engine: EngineName): Config => ({
    name: `function probe (uprobe + uretprobe, ${engine})`,
    setup: async () => {
      // db_latency's programs on db.lookup: the statement is the route.
      const o = await loadObject(example('db_latency'), { engine, verify: false });
      const links: Link[] = [attach(o.program('on_query'), uprobe(db, 'lookup')), attach(o.program('on_query_return'), uretprobe(db, 'lookup'))];
      return () => { for (const l of links) l.detach(); o.close(); };
    },
  });
  const configs: Config[] = [
    { name: 'nothing attached', setup: async () => () => {} },
    latency('interp'), latency('jit'), probe('interp'), probe('jit'),
  ];
  await measure(port); // warm up the server and the load generator
  const samples = configs.map(() => [] as Array<{ rps: number; cpuUs: number }>);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of configs.entries()) {
      const teardown = await c.setup();
      samples[i].push(await measure(port));
      teardown();
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(samples[0].map((x) => x.rps));
  const baseCpu = median(samples[0].map((x) => x.cpuUs));
  const rows = configs.map((c, i) => {
    const rps = median(samples[i].map((x) => x.rps));
    const cpu = median(samples[i].map((x) => x.cpuUs));
    return [c.name, formatNumber(rps), i === 0 ? '-' : `${formatNumber((1 - rps / base) * 100, 1)}%`,
      formatNumber(cpu, 1), i === 0 ? '-' : `${formatNumber(((cpu - baseCpu) / baseCpu) * 100, 1)}%`];
  });
  await new Promise((r) => server.close(r));
  return rows;
}

/** ns per event: synthetic http.server.response.finish messages through the tracepoint, with and without the program. */
async function eventRows(): Promise<string[][]> {
  const N = 100_000;
  const socket = { remoteAddress: '127.0.0.1', remotePort: 40000, localAddress: '127.0.0.1', localPort: 8080, remoteFamily: 'IPv4' };
  const request = { method: 'GET', url: '/users?id=1', socket, headers: {} };
  const message = { request, response: { statusCode: 200 }, socket, server: {} };
  const channel = dc.channel('http.server.response.finish');
  const time = (fn: () => void): number => {
    for (let i = 0; i < 10_000; i++) fn();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) fn();
    return Number(process.hrtime.bigint() - t0) / N;
  };
  const rows: string[][] = [];
  const idle = time(() => channel.publish(message));
  rows.push(['http_server_response, nothing attached', formatNumber(idle)]);
  for (const engine of ['interp', 'jit'] as const) {
    const o = await loadObject(example('http_latency'), { engine });
    const link = attach(o.program('on_response'));
    rows.push([`http_server_response + latency histogram (${engine})`, formatNumber(time(() => channel.publish(message)))]);
    link.detach();
    o.close();
  }
  const target = { f(a: number): number { return a + 1; } };
  const bare = time(() => target.f(1));
  rows.push(['function call, not probed', formatNumber(bare, 1)]);
  for (const engine of ['interp', 'jit'] as const) {
    const o = await loadObject(example('db_latency'), { engine, verify: false });
    const links = [attach(o.program('on_query'), uprobe(target, 'f')), attach(o.program('on_query_return'), uretprobe(target, 'f'))];
    rows.push([`function call + uprobe/uretprobe pair (${engine})`, formatNumber(time(() => target.f(1)))]);
    for (const l of links) l.detach();
    o.close();
  }
  return rows;
}

async function xdpRows(): Promise<string[][]> {
  const capture = readCaptureFile(join(root, 'test', 'hooks', 'fixtures', 'captures', 'lo-traffic.pcapng'));
  const many = { ...capture, packets: Array.from({ length: 200 }, () => capture.packets).flat() };
  const rows: string[][] = [];
  for (const engine of ['interp', 'jit'] as const) {
    const o = await loadObject(example('conn_firewall'), { engine });
    const iface = new PacketInterface(`bench-${engine}`);
    attach(o.program('tcp_firewall'), 'xdp', { interface: iface });
    replayCapture(capture, iface);
    const r = replayCapture(many, iface);
    rows.push([`tcp_firewall over lo-traffic.pcapng x200 (${engine})`, formatNumber(many.packets.length), formatNumber(r.packetsPerSecond), formatNumber(1e9 / r.packetsPerSecond)]);
    iface.close();
    o.close();
  }
  return rows;
}

export async function runHooksBench(): Promise<string> {
  const http = await httpRows();
  const events = await eventRows();
  const xdp = await xdpRows();
  return [
    `HTTP server on loopback, ${CONCURRENCY} keep-alive clients in another process, ${ROUNDS} rounds of ${DURATION_MS / 1000} s per configuration`,
    formatTable(['configuration', 'requests/s', 'loss', 'server CPU µs/request', 'CPU overhead'], http),
    '(medians; on a shared 2-core machine requests/s is noisy: the server\'s CPU time per request is the steadier measure)',
    '',
    'Per event (ns, in-process)',
    formatTable(['event', 'ns/event'], events),
    '',
    'XDP over a capture',
    formatTable(['program', 'packets', 'packets/s', 'ns/packet'], xdp),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runHooksBench());
}
