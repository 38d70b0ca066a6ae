// Hook overhead: requests/s of a small HTTP server with nothing attached and
// with programs attached (a latency histogram on the response tracepoint, a
// function probe; bench/hooks-http.ts), the cost of one event in process,
// and packets/s through an XDP firewall over a capture.
// Run: node --import tsx bench/hooks.ts
// TSBPF_BENCH_HOOKS=http,events,xdp picks sections; TSBPF_BENCH_HTTP_*
// and TSBPF_BENCH_ROUNDS change the HTTP measurement (see its constants).
import dc from 'node:diagnostics_channel';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { attach } from '../src/hooks/attach.js';
import { readCaptureFile } from '../src/hooks/packets/capture/read-capture.js';
import { PacketInterface } from '../src/hooks/packets/packet-interface.js';
import { replayCapture } from '../src/hooks/packets/replay.js';
import { CtxImage } from '../src/hooks/ctx/image.js';
import { layoutOf } from '../src/hooks/ctx/layout.js';
import { writeCommon } from '../src/hooks/tracepoints/common.js';
import { nodeTracepoint } from '../src/hooks/tracepoints/node-table.js';
import type { NodeTracepoint } from '../src/hooks/tracepoints/node-tracepoint.js';
import { monotonicNowNs } from '../src/helpers/clock.js';
import { uprobe, uretprobe } from '../src/hooks/uprobes/targets.js';
import type { EngineName } from '../src/engine/select.js';
import { STATEMENT, db, emptyProgram, loadExample, plainHistogram, subscribeBoth } from './hooks-configs.js';
import { httpRows } from './hooks-http.js';
import { formatNumber, formatTable } from './table.js';

const root = join(import.meta.dirname, '..');
const ENGINES: readonly EngineName[] = ['jit', 'interp'];

/**
 * ns per call of `fn`: the fastest of several batches of wall-clock time
 * (other work on the machine only ever adds to a batch: its minimum is the
 * cost; process CPU time would be steadier, but the kernel counts it in ticks).
 */
function timeNs(fn: () => void, n: number): number {
  // A long warm-up: V8 optimizes the hook's layers one after another.
  for (let i = 0; i < Math.min(n, 100_000); i++) fn();
  const batches = 9;
  const per = Math.ceil(n / batches);
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < per; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / per);
  }
  return best;
}

/** timeNs of each case, twice in turn (a case measured first meets V8 still optimizing); the faster of the two. */
function timeCases(fns: ReadonlyArray<() => void>, n: number): number[] {
  const first = fns.map((fn) => timeNs(fn, n));
  return fns.map((fn, i) => Math.min(first[i], timeNs(fn, n)));
}

/**
 * A real request and response (from a request to a real server, its
 * connection kept open), to publish their channel messages again; close()
 * ends the connection and the server.
 */
async function realMessages(): Promise<{ message: object; close: () => Promise<void> }> {
  let captured: { req: IncomingMessage; res: ServerResponse } | null = null;
  const server = http.createServer((req, res) => {
    captured = { req, res };
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/users?id=1', agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
  });
  const { req, res } = captured as unknown as { req: IncomingMessage; res: ServerResponse };
  return {
    message: { request: req, response: res, socket: req.socket, server },
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * The record http_server_response builds when `publish` publishes a
 * request's messages: its definition's own subscribers and fill function,
 * writing an image of ours (the tracepoint itself writes its records in
 * the arena of the programs attached, where they do not outlive them).
 */
function responseRecord(publish: () => void): Uint8Array {
  const def = (nodeTracepoint('http_server_response') as NodeTracepoint).def;
  const img = new CtxImage(layoutOf(def.struct));
  let record: Uint8Array | null = null;
  const uninstall = def.install((fill, message) => {
    const now = monotonicNowNs();
    writeCommon(img.clear(), def.id, now);
    if (fill(img, message, now) !== false) record = img.bytes.slice();
  });
  try {
    publish();
  } finally {
    uninstall();
  }
  if (record === null) throw new Error('http_server_response built no record');
  return record;
}

/**
 * ns per event in process: the tracepoint's channel messages and
 * a probed function, bare, with an empty program (the hook's own cost) and
 * with the example programs.
 */
async function eventRows(): Promise<string[][]> {
  const N = 400_000;
  const rows: string[][] = [];
  const { message, close } = await realMessages();
  const startChannel = dc.channel('http.server.request.start');
  const finishChannel = dc.channel('http.server.response.finish');
  const response = (): void => {
    finishChannel.publish(message);
  };
  // One request's messages: the response tracepoint also stamps each request at its start (for duration_ns).
  const request = (): void => {
    startChannel.publish(message);
    finishChannel.publish(message);
  };
  const tracepoint: Array<{ label: string; fn: () => void; cells: string[] }> = [
    { label: 'http_server_response (response.finish)', fn: response, cells: [] },
    { label: 'one request (request.start + response.finish)', fn: request, cells: [] },
  ];
  const measure = (n: number, digits = 0, note = ''): void => {
    timeCases(tracepoint.map((t) => t.fn), n).forEach((ns, i) => tracepoint[i].cells.push(formatNumber(ns, digits) + note));
  };
  measure(N, 1);
  const unsubscribe = subscribeBoth(plainHistogram());
  measure(N);
  unsubscribe();
  tracepoint[0].cells[1] = '-'; // a response whose request's start it did not see: the plain subscriber returns at once
  const empty = attach(emptyProgram('tracepoint'), 'tracepoint/node/http_server_response');
  measure(N);
  empty.detach();
  let alone = '-';
  for (const engine of ENGINES) {
    const { object, note } = await loadExample('http_latency', engine);
    const program = object.program('on_response');
    const link = attach(program);
    measure(engine === 'jit' ? N : N / 8, 0, note);
    link.detach();
    if (engine === 'jit') {
      // The program alone, on a record the tracepoint builds for the same messages (BPF_PROG_TEST_RUN's way).
      const record = responseRecord(request);
      program.testRun({ ctxIn: record, repeat: N }); // warm-up
      alone = formatNumber(program.testRun({ ctxIn: record, repeat: N }).durationNs);
    }
    object.close();
  }
  await close();
  for (const t of tracepoint) rows.push([t.label, ...t.cells, t === tracepoint[0] ? alone : '-']);

  const target = { lookup: db.lookup };
  const call = (): void => { target.lookup(STATEMENT, '42'); };
  const cells = [formatNumber(timeCases([call], N)[0], 1), '-'];
  const hollow = emptyProgram('kprobe');
  const hollowLinks = [attach(hollow, uprobe(target, 'lookup')), attach(hollow, uretprobe(target, 'lookup'))];
  cells.push(formatNumber(timeCases([call], N)[0]));
  for (const l of hollowLinks) l.detach();
  for (const engine of ENGINES) {
    const { object, note } = await loadExample('db_latency', engine);
    const links = [attach(object.program('on_query'), uprobe(target, 'lookup')), attach(object.program('on_query_return'), uretprobe(target, 'lookup'))];
    cells.push(formatNumber(timeCases([call], engine === 'jit' ? N : N / 8)[0]) + note);
    for (const l of links) l.detach();
    object.close();
  }
  rows.push(['db.lookup(sql, id) with uprobe + uretprobe (db_latency)', ...cells, '-']);
  return rows;
}

async function xdpRows(): Promise<string[][]> {
  const capture = readCaptureFile(join(root, 'test', 'hooks', 'fixtures', 'captures', 'lo-traffic.pcapng'));
  const copies = 2000;
  const many = { ...capture, packets: Array.from({ length: copies }, () => capture.packets).flat() };
  const label = `lo-traffic.pcapng x${copies}`;
  const replay = (program: Parameters<typeof attach>[0], name: string): string[] => {
    const iface = new PacketInterface(`bench-${name}`);
    try {
      attach(program, 'xdp', { interface: iface });
      replayCapture(many, iface); // warm-up: V8 optimizes the path frame by frame
      const r = replayCapture(many, iface);
      return [formatNumber(many.packets.length), formatNumber(r.packetsPerSecond), formatNumber(1e9 / r.packetsPerSecond)];
    } finally {
      iface.close();
    }
  };
  // XDP_PASS (2) and nothing else: the hook's own cost per frame.
  const rows: string[][] = [[`empty program (XDP_PASS) over ${label} (jit)`, ...replay(emptyProgram('xdp', 2), 'empty'), '-']];
  for (const engine of ENGINES) {
    const { object, note } = await loadExample('conn_firewall', engine);
    const program = object.program('tcp_firewall');
    const cells = replay(program, engine);
    // The program alone on one of the capture's packets, BPF_PROG_TEST_RUN's way.
    const run = (): number => program.testRun({ dataIn: capture.packets[0].data, repeat: 200_000 }).durationNs;
    run(); // warm-up
    const alone = run();
    rows.push([`tcp_firewall over ${label} (${engine}${note})`, ...cells, formatNumber(alone)]);
    object.close();
  }
  return rows;
}

/** Sections to run (TSBPF_BENCH_HOOKS=http,events,xdp; default all). */
const PARTS = new Set((process.env.TSBPF_BENCH_HOOKS ?? 'http,events,xdp').split(','));

export async function runHooksBench(): Promise<string> {
  const out: string[] = [];
  if (PARTS.has('http')) {
    const { rows, baseline, setup } = await httpRows();
    out.push(
      setup,
      `Baseline: ${formatNumber(baseline.rps)} requests/s, ${formatNumber(baseline.cpuUs, 1)} µs of server CPU per request.`,
      formatTable(['configuration', 'requests/s', 'loss', 'loss IQR', 'server CPU µs/request', 'CPU overhead'], rows),
      '(medians over the rounds, each window against the baseline\'s window of the same round; the first row measures a second server with',
      ' nothing attached, the noise floor. The load generator and everything else on the machine share its cores: requests/s moves with them.)',
      '',
    );
  }
  if (PARTS.has('events')) {
    out.push(
      'Per event, in process (ns; the fastest batch of each case, measured twice in turn)',
      formatTable(['event', 'nothing attached', 'plain JS histogram', 'empty program (jit)', 'example program (jit)', 'example program (interp)', 'program alone (test_run, jit)'], await eventRows()),
      '(example programs: http_latency\'s on_response, a latency histogram per route; db_latency\'s on_query and on_query_return;',
      ' plain JS histogram: the same histogram as on_response\'s, written by hand as diagnostics_channel subscribers)',
      '',
    );
  }
  if (PARTS.has('xdp')) out.push('XDP over a capture', formatTable(['program', 'packets', 'packets/s', 'ns/packet', 'program alone (test_run ns)'], await xdpRows()));
  return out.join('\n').trimEnd();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = performance.now();
  console.log(await runHooksBench());
  console.log(`(hooks bench took ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
