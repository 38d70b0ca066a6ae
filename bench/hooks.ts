// Hook overhead: requests/s of a small HTTP server with nothing attached and
// with programs attached (a latency histogram on the response tracepoint, a
// function probe), the cost of one event in process, and packets/s through
// an XDP firewall over a capture. Run: node --import tsx bench/hooks.ts
//
// On a small machine the load generator competes with the server for the
// same cores, and other work on the machine moves both: the two are pinned
// to a core each (where taskset exists), configurations are measured in
// short windows, each between two baseline windows and compared with them,
// over many rounds; the server's CPU time per request is reported beside
// requests/s, and a baseline-against-baseline row shows the noise floor.
// TSBPF_BENCH_HOOKS=http,events,xdp picks sections; TSBPF_BENCH_HTTP_*
// and TSBPF_BENCH_ROUNDS change the HTTP measurement (see the constants).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { attach } from '../src/hooks/attach.js';
import type { Link } from '../src/hooks/link.js';
import { readCaptureFile } from '../src/hooks/packets/capture/read-capture.js';
import { PacketInterface } from '../src/hooks/packets/packet-interface.js';
import { replayCapture } from '../src/hooks/packets/replay.js';
import { executableProgram, type HookProgram } from '../src/hooks/program.js';
import { CtxImage } from '../src/hooks/ctx/image.js';
import { layoutOf } from '../src/hooks/ctx/layout.js';
import { writeCommon } from '../src/hooks/tracepoints/common.js';
import { nodeTracepoint } from '../src/hooks/tracepoints/node-table.js';
import type { NodeTracepoint } from '../src/hooks/tracepoints/node-tracepoint.js';
import { monotonicNowNs } from '../src/helpers/clock.js';
import { uprobe, uretprobe } from '../src/hooks/uprobes/targets.js';
import { engineFactory, type EngineName } from '../src/engine/select.js';
import { HELPER_TABLE } from '../src/helpers/table.js';
import { Arena } from '../src/memory/arena.js';
import type { BpfObject } from '../src/object/bpf-object.js';
import { loadObject } from '../src/object/load-object.js';
import { formatNumber, formatTable } from './table.js';

const root = join(import.meta.dirname, '..');
const example = (name: string): string => join(root, 'examples', 'hooks', `${name}.bpf.o`);
/**
 * One measurement window (ms), after a settling pause that follows each
 * attach or detach. Short windows and many rounds: on a shared machine
 * requests/s moves in bursts of a few hundred ms, which then fall on a
 * window and the baselines either side of it alike.
 */
const WINDOW_MS = Number(process.env.TSBPF_BENCH_HTTP_MS ?? 80);
const SETTLE_MS = 60;
/** Rounds: in each, every configuration gets one window between two baseline windows. */
const ROUNDS = Number(process.env.TSBPF_BENCH_ROUNDS ?? 60);
/**
 * Connections, and requests each keeps in flight: 32 connections keep the
 * server's core busy; one request at a time on each, as wrk and autocannon
 * send them by default (TSBPF_BENCH_HTTP_DEPTH=4 pipelines, which costs the
 * server about the same CPU per request).
 */
const CONNECTIONS = Number(process.env.TSBPF_BENCH_HTTP_CONNECTIONS ?? 32);
const DEPTH = Number(process.env.TSBPF_BENCH_HTTP_DEPTH ?? 1);
const ENGINES: readonly EngineName[] = ['jit', 'interp'];
/** Engines of the HTTP configurations (the throughput target is the JIT's; TSBPF_BENCH_HTTP_ENGINES=jit,interp adds the interpreter). */
const HTTP_ENGINES = (process.env.TSBPF_BENCH_HTTP_ENGINES ?? 'jit').split(',') as EngineName[];

/** A request handler that calls a "database" function, so a function probe has something to probe. */
const db = {
  lookup(statement: string, id: string): string {
    return `${statement.length}:${id}`;
  },
};
const STATEMENT = 'SELECT name FROM users WHERE id = ?';

/** Loads an example object; programs the verifier refuses (an older tree) run unverified, which the row says. */
async function loadExample(name: string, engine: EngineName): Promise<{ object: BpfObject; note: string }> {
  try {
    return { object: await loadObject(example(name), { engine }), note: '' };
  } catch {
    return { object: await loadObject(example(name), { engine, verify: false }), note: ', unverified' };
  }
}

type ChannelHandlers = readonly [(m: unknown) => void, (m: unknown) => void];
const SERVER_CHANNELS = ['http.server.request.start', 'http.server.response.finish'] as const;

/** Subscribes a start and a finish handler to the server channels; returns their unsubscribe. */
function subscribeBoth(handlers: ChannelHandlers): () => void {
  SERVER_CHANNELS.forEach((c, i) => dc.subscribe(c, handlers[i]));
  return () => SERVER_CHANNELS.forEach((c, i) => dc.unsubscribe(c, handlers[i]));
}

/** One clock read at each request's start and end, summed: timing requests and nothing else. */
function clockFloor(): ChannelHandlers {
  let started = 0n;
  let total = 0n;
  return [() => { started = process.hrtime.bigint(); }, () => { total += process.hrtime.bigint() - started; }];
}

/** http_latency's histogram (log2 microseconds per route, the URL up to '?') as a JavaScript subscriber would keep it. */
function plainHistogram(): ChannelHandlers {
  const starts = new WeakMap<object, bigint>();
  const histogram = new Map<string, number>();
  return [
    (m) => { starts.set((m as { request: object }).request, process.hrtime.bigint()); },
    (m) => {
      const request = (m as { request: IncomingMessage }).request;
      const start = starts.get(request);
      if (start === undefined) return;
      starts.delete(request);
      const us = Number(process.hrtime.bigint() - start) / 1000;
      const url = request.url ?? '';
      const q = url.indexOf('?');
      const key = `${q < 0 ? url : url.slice(0, q)} ${Math.floor(Math.log2(Math.max(us, 1)))}`;
      histogram.set(key, (histogram.get(key) ?? 0) + 1);
    },
  ];
}

interface Config {
  readonly name: string;
  attach(): () => void;
}

async function configs(): Promise<{ configs: Config[]; close: () => void }> {
  const objects: BpfObject[] = [];
  // The baseline measured against itself: how far apart two windows of the same server fall (the noise floor).
  const list: Config[] = [{ name: 'nothing attached (baseline against baseline)', attach: () => () => {} }];
  // What any tracer on these channels pays before doing anything: Node builds and publishes each message (the floor).
  const nothing = (): void => {};
  list.push({ name: 'empty JS subscribers on the request tracepoints\' channels', attach: () => subscribeBoth([nothing, nothing]) });
  // Timing each request at all: a clock read in a bare subscriber of each channel (the least any tracer of latency pays).
  list.push({ name: 'a clock read in bare subscribers of both channels', attach: () => subscribeBoth(clockFloor()) });
  // The same histogram as http_latency's program, written by hand in JavaScript, without tsbpf.
  list.push({ name: 'latency histogram per route in plain JavaScript', attach: () => subscribeBoth(plainHistogram()) });
  // tsbpf's own cost on these channels: the request stamps, the record and a program that only returns.
  list.push({
    name: 'empty program on http_server_response (jit)',
    attach: () => {
      const link = attach(emptyProgram('tracepoint'), 'tracepoint/node/http_server_response');
      return () => link.detach();
    },
  });
  for (const engine of HTTP_ENGINES) {
    const { object, note } = await loadExample('http_latency', engine);
    objects.push(object);
    list.push({
      name: `latency histogram on http_server_response (${engine}${note})`,
      attach: () => {
        const link = attach(object.program('on_response'));
        return () => link.detach();
      },
    });
  }
  for (const engine of HTTP_ENGINES) {
    // db_latency's programs on db.lookup: the statement's verb is the key.
    const { object, note } = await loadExample('db_latency', engine);
    objects.push(object);
    list.push({
      name: `uprobe + uretprobe on db.lookup (${engine}${note})`,
      attach: () => {
        const links: Link[] = [attach(object.program('on_query'), uprobe(db, 'lookup')), attach(object.program('on_query_return'), uretprobe(db, 'lookup'))];
        return () => { for (const l of links) l.detach(); };
      },
    });
  }
  // TSBPF_BENCH_HTTP_ONLY=<regex> keeps the configurations whose names match (and the noise floor).
  const only = process.env.TSBPF_BENCH_HTTP_ONLY;
  const kept = only ? list.filter((c, i) => i === 0 || new RegExp(only).test(c.name)) : list;
  return { configs: kept, close: () => { for (const o of objects) o.close(); } };
}

/**
 * Pins every thread of this process to `cpu` with taskset (util-linux);
 * null, changing nothing, where there is no second core or no taskset, or
 * with TSBPF_BENCH_PIN=0. `restore()` gives the threads their mask back.
 */
function pinSelf(cpu: number): { restore(): void } | null {
  if (process.env.TSBPF_BENCH_PIN === '0' || availableParallelism() < 2) return null;
  try {
    const mask = /mask: *([0-9a-f]+)/i.exec(execFileSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' }))?.[1];
    if (!mask) return null;
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
    return { restore: () => { try { execFileSync('taskset', ['-a', '-p', mask, String(process.pid)], { stdio: 'ignore' }); } catch { /* the next section runs pinned: only slower */ } } };
  } catch {
    return null;
  }
}

interface Sample {
  readonly rps: number;
  readonly cpuUs: number;
}

/** 0..n-1 in an order that changes with `seed` (a fixed sequence: runs are comparable). */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let x = (seed + 1) * 0x9e3779b9;
  for (let i = n - 1; i > 0; i--) {
    x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0;
    const j = x % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const at = q * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
};
const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/**
 * The server's throughput with each configuration against the baseline:
 * windows alternate baseline, configuration, baseline..., and each
 * configuration window is compared with the mean of the baseline windows
 * either side of it (the machine's slower swings cancel out); the medians
 * over the rounds are reported, with the interquartile range of the loss.
 */
async function httpRows(): Promise<{ rows: string[][]; baseline: Sample; pinned: boolean }> {
  let served = 0;
  const server = http.createServer((req, res) => {
    served++;
    res.end(db.lookup(STATEMENT, req.url ?? ''));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const { configs: list, close } = await configs();
  // The server (this process) on one core and the load generator on another, where the machine has them and taskset:
  // left to the scheduler, the two sometimes share a core and sometimes not, and requests/s jumps between two levels.
  const pinned = pinSelf(0);
  const generator = [join(root, 'bench', 'hooks-load.mjs'), String(port), String(CONNECTIONS), String(DEPTH)];
  const load: ChildProcess = pinned
    ? spawn('taskset', ['-c', '1', process.execPath, ...generator], { stdio: ['pipe', 'inherit', 'inherit'] })
    : spawn(process.execPath, generator, { stdio: ['pipe', 'inherit', 'inherit'] });
  const window = async (): Promise<Sample> => {
    await sleep(SETTLE_MS);
    const n0 = served;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(WINDOW_MS);
    const n = served - n0;
    const cpu = process.cpuUsage(cpu0);
    const seconds = (performance.now() - t0) / 1000;
    return { rps: n / seconds, cpuUs: (cpu.user + cpu.system) / Math.max(1, n) };
  };
  const ratios = list.map(() => ({ rps: [] as number[], cpu: [] as number[] }));
  const bases: Sample[] = [];
  try {
    // Warm-up: the load generator's connections, the server's and the hooks' JIT.
    await window();
    for (const c of list) {
      const detach = c.attach();
      await window();
      detach();
    }
    let before = await window();
    bases.push(before);
    for (let round = 0; round < ROUNDS; round++) {
      // A new order each round: a disturbance that recurs with the rounds' period does not fall on one configuration every time.
      for (const i of shuffled(list.length, round)) {
        const c = list[i];
        const detach = c.attach();
        let x: Sample;
        try {
          x = await window();
        } finally {
          detach();
        }
        const after = await window();
        bases.push(after);
        ratios[i].rps.push(x.rps / ((before.rps + after.rps) / 2));
        ratios[i].cpu.push(x.cpuUs / ((before.cpuUs + after.cpuUs) / 2));
        before = after;
      }
    }
  } finally {
    load.stdin?.end();
    load.kill();
    pinned?.restore();
    close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  const baseline = { rps: median(bases.map((b) => b.rps)), cpuUs: median(bases.map((b) => b.cpuUs)) };
  const pct = (v: number): string => `${formatNumber(v, 1)}%`;
  const rows = list.map((c, i) => {
    const loss = ratios[i].rps.map((r) => (1 - r) * 100);
    const cpuUp = ratios[i].cpu.map((r) => (r - 1) * 100);
    return [c.name, formatNumber(baseline.rps * median(ratios[i].rps)), pct(median(loss)), `${pct(quantile(loss, 0.25))}..${pct(quantile(loss, 0.75))}`,
      formatNumber(baseline.cpuUs * median(ratios[i].cpu), 1), pct(median(cpuUp))];
  });
  return { rows, baseline, pinned: pinned !== null };
}

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

/** A program that only returns `r0` (0), run by the JIT unchecked: what a hook costs with the least program (it reads no context). */
function emptyProgram(type: string, r0 = 0): HookProgram {
  const arena = new Arena();
  const insns = [{ opcode: 0xb7, dst: 0, src: 0, off: 0, imm: r0 }, { opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 }];
  return executableProgram(engineFactory('jit')({ insns }, { arena, helpers: HELPER_TABLE, checked: false }), { type, arena, ctxReads: [] });
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
    const { rows, baseline, pinned } = await httpRows();
    out.push(
      `HTTP server on loopback; a load generator in another process (raw sockets, wrk-like): ${CONNECTIONS} keep-alive connections, ${DEPTH} request${DEPTH === 1 ? '' : 's'} in flight on each;`,
      `${pinned ? 'server and generator pinned to a core each; ' : ''}${ROUNDS} rounds, each configuration's ${WINDOW_MS} ms window between two baseline windows.`,
      `Baseline: ${formatNumber(baseline.rps)} requests/s, ${formatNumber(baseline.cpuUs, 1)} µs of server CPU per request.`,
      formatTable(['configuration', 'requests/s', 'loss', 'loss IQR', 'server CPU µs/request', 'CPU overhead'], rows),
      '(medians over the rounds, each window against the baseline windows either side of it; the first row measures the baseline against',
      ' itself, the noise floor. The load generator and everything else on the machine share its cores: requests/s moves with them.)',
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
