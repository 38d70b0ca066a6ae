// Hook overhead on a live HTTP server: requests/s and server CPU per
// request with nothing attached and with each configuration of
// bench/hooks-configs.ts attached.
//
// Each configuration has a server process of its own (bench/hooks-http-
// server.ts), attached once at start as a deployment attaches, so that
// no measurement sees another configuration's code or an attach and detach
// in between. One load generator (bench/hooks-load.mjs) holds connections
// to every server and loads one at a time. On a small machine the
// generator competes with the server for the same cores, and other work on
// the machine moves both: the servers share one core and the generator has
// another (where taskset exists); in each of many rounds every server,
// the baseline's too, is measured in one short window, in a new order each
// round, and each configuration's window is compared with the baseline's
// of the same round. Processes differ by themselves (where their code and
// heap land) by a few percent: the servers are started afresh for each of
// ten generations of rounds, and a second baseline server, measured like a
// configuration, shows what is left of that (the noise floor).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpConfigs } from './hooks-configs.js';
import type { ServerSample } from './hooks-http-server.js';
import { formatNumber } from './table.js';

/**
 * One measurement window (ms), after a settling pause that follows each
 * move of the load (the last server's requests in flight end in well under
 * a millisecond). Short windows and many rounds: on a shared machine
 * requests/s moves in bursts of tens to hundreds of ms, which then fall on
 * a round's windows alike, and the medians over many rounds drop them.
 */
const WINDOW_MS = Number(process.env.TSBPF_BENCH_HTTP_MS ?? 20);
const SETTLE_MS = Number(process.env.TSBPF_BENCH_HTTP_SETTLE_MS ?? 10);
/** Rounds: in each, every server gets one window. */
const ROUNDS = Number(process.env.TSBPF_BENCH_ROUNDS ?? 400);
/**
 * Sets of server processes, started afresh, over which the rounds are
 * shared: a process's own offset (up to about ±3%) is drawn again in each.
 */
const GENERATIONS = Number(process.env.TSBPF_BENCH_HTTP_GENERATIONS ?? 10);
/**
 * Connections, and requests each keeps in flight: 32 connections keep the
 * server's core busy; one request at a time on each, as wrk and autocannon
 * send them by default (TSBPF_BENCH_HTTP_DEPTH=4 pipelines, which costs the
 * server about the same CPU per request).
 */
const CONNECTIONS = Number(process.env.TSBPF_BENCH_HTTP_CONNECTIONS ?? 32);
const DEPTH = Number(process.env.TSBPF_BENCH_HTTP_DEPTH ?? 1);

/** `taskset -c CPU` before a command where the machine has a second core and taskset (TSBPF_BENCH_PIN=0: never). */
function pinning(): ((cpu: number) => string[]) | null {
  if (process.env.TSBPF_BENCH_PIN === '0' || availableParallelism() < 2) return null;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return (cpu) => ['taskset', '-c', String(cpu)];
  } catch {
    return null;
  }
}

/** Spawns `args` (argv[0] is the program), under `pin` where given. */
function spawnPinned(pin: string[] | null, args: string[], stdio: Parameters<typeof spawn>[2]['stdio']): ChildProcess {
  const argv = [...(pin ?? []), ...args];
  return spawn(argv[0], argv.slice(1), { stdio });
}

interface Server {
  readonly port: number;
  readonly note: string;
  sample(): Promise<ServerSample>;
  close(): void;
}

/** Starts the server process of configuration `key` and waits until it listens. */
async function startServer(key: string, pin: string[] | null): Promise<Server> {
  const script = join(import.meta.dirname, 'hooks-http-server.ts');
  const child = spawnPinned(pin, [process.execPath, ...process.execArgv, script, key], ['ignore', 'inherit', 'inherit', 'ipc']);
  // Samples asked for and not yet answered (a server answers in order); a server that dies fails them, never hangs the bench.
  const replies: Array<{ resolve(m: ServerSample): void; reject(e: Error): void }> = [];
  let exited: Error | null = null;
  const ready = new Promise<{ port: number; note: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number; note: string }));
    child.once('exit', (code) => {
      exited = new Error(`bench server '${key}' exited (${code})`);
      reject(exited);
      for (const r of replies.splice(0)) r.reject(exited);
    });
  });
  const { port, note } = await ready;
  child.on('message', (m) => replies.shift()?.resolve(m as ServerSample));
  return {
    port,
    note,
    sample: () => new Promise((resolve, reject) => {
      if (exited) return reject(exited);
      replies.push({ resolve, reject });
      child.send('sample');
    }),
    close: () => { child.removeAllListeners('exit'); child.disconnect(); },
  };
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

interface Ratios {
  readonly rps: number[];
  readonly cpu: number[];
}

/**
 * One generation: a server per configuration and a load generator; the
 * rounds `first`..`first + rounds - 1`, in each of which every server, the
 * baseline's too, gets one window, in a new order each round; each
 * configuration's window against the baseline's of the same round is
 * appended to `ratios`, and the baseline's windows to `bases`. Every
 * server is loaded as often as every other: one loaded more often runs
 * faster (an earlier design, which put the baseline's window between every
 * two others, measured an identical second server 2% to 12% slower).
 */
async function generation(keys: readonly string[], first: number, rounds: number, ratios: Ratios[], bases: Sample[]): Promise<string[]> {
  const pin = pinning();
  const servers: Server[] = [];
  let load: ChildProcess | null = null;
  try {
    // One at a time: each compiles the sources and loads its objects.
    for (const key of keys) servers.push(await startServer(key, pin?.(0) ?? null));
    const generator = [process.execPath, join(import.meta.dirname, 'hooks-load.mjs'), servers.map((s) => s.port).join(','), String(CONNECTIONS), String(DEPTH)];
    load = spawnPinned(pin?.(1) ?? null, generator, ['pipe', 'inherit', 'inherit']);
    const window = async (i: number): Promise<Sample> => {
      load?.stdin?.write(`${i}\n`);
      await sleep(SETTLE_MS);
      const s0 = await servers[i].sample();
      await sleep(WINDOW_MS);
      const s1 = await servers[i].sample();
      const n = s1.served - s0.served;
      return { rps: n / ((s1.ms - s0.ms) / 1000), cpuUs: (s1.cpuUs - s0.cpuUs) / Math.max(1, n) };
    };
    // Warm-up: the generator's connections, each server's code and the hooks' JIT.
    for (let i = 0; i < servers.length; i++) await window(i);
    const samples: Sample[] = [];
    for (let round = first; round < first + rounds; round++) {
      // A new order each round: a disturbance that recurs with the rounds' period does not fall on one configuration every time.
      for (const i of shuffled(servers.length, round)) samples[i] = await window(i);
      const base = samples[0];
      bases.push(base);
      for (let i = 1; i < servers.length; i++) {
        ratios[i].rps.push(samples[i].rps / base.rps);
        ratios[i].cpu.push(samples[i].cpuUs / base.cpuUs);
      }
    }
    return servers.map((s) => s.note);
  } finally {
    load?.stdin?.end();
    load?.kill();
    for (const s of servers) s.close();
  }
}

/**
 * The servers' throughput with each configuration against the baseline:
 * the medians over all rounds of every generation, with the interquartile
 * range of the loss.
 */
export async function httpRows(): Promise<{ rows: string[][]; baseline: Sample; setup: string }> {
  const list = httpConfigs();
  const ratios: Ratios[] = list.map(() => ({ rps: [], cpu: [] }));
  const bases: Sample[] = [];
  const generations = Math.max(1, Math.min(GENERATIONS, ROUNDS));
  let notes: string[] = [];
  for (let g = 0, first = 0; g < generations; g++) {
    const rounds = Math.round((ROUNDS * (g + 1)) / generations) - first;
    notes = await generation(list.map((c) => c.key), first, rounds, ratios, bases);
    first += rounds;
  }
  const baseline = { rps: median(bases.map((b) => b.rps)), cpuUs: median(bases.map((b) => b.cpuUs)) };
  const pct = (v: number): string => `${formatNumber(v, 1)}%`;
  const rows = list.slice(1).map((c, k) => {
    const r = ratios[k + 1];
    const loss = r.rps.map((x) => (1 - x) * 100);
    const cpuUp = r.cpu.map((x) => (x - 1) * 100);
    return [c.name + notes[k + 1], formatNumber(baseline.rps * median(r.rps)), pct(median(loss)),
      `${pct(quantile(loss, 0.25))}..${pct(quantile(loss, 0.75))}`, formatNumber(baseline.cpuUs * median(r.cpu), 1), pct(median(cpuUp))];
  });
  const setup = [
    `HTTP server on loopback; a load generator in another process (raw sockets, wrk-like): ${CONNECTIONS} keep-alive connections, ${DEPTH} request${DEPTH === 1 ? '' : 's'} in flight on each;`,
    `a server process per configuration, attached once at start${pinning() ? '; servers on one core, the generator on another' : ''}; ${ROUNDS} rounds over ${generations} sets of`,
    `server processes, each round a ${WINDOW_MS} ms window of every server, the baseline's too, in a new order.`,
  ].join('\n');
  return { rows, baseline, setup };
}
