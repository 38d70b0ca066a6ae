// What the hooks bench attaches: the example programs, an empty program,
// and the JavaScript subscribers they are compared with. The HTTP
// throughput configurations are listed here by key, so that each server
// process of bench/hooks-http.ts can build the one it is given.
import dc from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { attach } from '../src/hooks/attach.js';
import { executableProgram, type HookProgram } from '../src/hooks/program.js';
import { uprobe, uretprobe } from '../src/hooks/uprobes/targets.js';
import { engineFactory, type EngineName } from '../src/engine/select.js';
import { HELPER_TABLE } from '../src/helpers/table.js';
import { Arena } from '../src/memory/arena.js';
import type { BpfObject } from '../src/object/bpf-object.js';
import { loadObject } from '../src/object/load-object.js';

const root = join(import.meta.dirname, '..');
const example = (name: string): string => join(root, 'examples', 'hooks', `${name}.bpf.o`);

/** Loads an example object; programs the verifier refuses (an older tree) run unverified, which the row says. */
export async function loadExample(name: string, engine: EngineName): Promise<{ object: BpfObject; note: string }> {
  try {
    return { object: await loadObject(example(name), { engine }), note: '' };
  } catch {
    return { object: await loadObject(example(name), { engine, verify: false }), note: ', unverified' };
  }
}

/** A program that only returns `r0` (0), run by the JIT unchecked: what a hook costs with the least program (it reads no context). */
export function emptyProgram(type: string, r0 = 0): HookProgram {
  const arena = new Arena();
  const insns = [{ opcode: 0xb7, dst: 0, src: 0, off: 0, imm: r0 }, { opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 }];
  return executableProgram(engineFactory('jit')({ insns }, { arena, helpers: HELPER_TABLE, checked: false }), { type, arena, ctxReads: [] });
}

/** A "database" function the HTTP server's handler calls, so a function probe has something to probe. */
export const db = {
  lookup(statement: string, id: string): string {
    return `${statement.length}:${id}`;
  },
};
export const STATEMENT = 'SELECT name FROM users WHERE id = ?';

type ChannelHandlers = readonly [(m: unknown) => void, (m: unknown) => void];
const SERVER_CHANNELS = ['http.server.request.start', 'http.server.response.finish'] as const;

/** Subscribes a start and a finish handler to the server channels; returns their unsubscribe. */
export function subscribeBoth(handlers: ChannelHandlers): () => void {
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
export function plainHistogram(): ChannelHandlers {
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

export interface HttpConfig {
  /** Short name, given to a server process on its command line. */
  readonly key: string;
  /** The row's label. */
  readonly name: string;
  /** Attaches the configuration in this process, once, for its lifetime; resolves to a note for the row (', unverified'). */
  attach(): Promise<string>;
}

/** Engines of the HTTP configurations (the throughput target is the JIT's; TSBPF_BENCH_HTTP_ENGINES=jit,interp adds the interpreter). */
const HTTP_ENGINES = (process.env.TSBPF_BENCH_HTTP_ENGINES ?? 'jit').split(',') as EngineName[];

/**
 * The HTTP throughput configurations, the baseline first and a second
 * baseline server next (measured against the first: the noise floor).
 * TSBPF_BENCH_HTTP_ONLY=<regex> keeps the configurations whose names match,
 * and the two baselines.
 */
export function httpConfigs(): HttpConfig[] {
  const none = async (): Promise<string> => '';
  const nothing = (): void => {};
  const list: HttpConfig[] = [
    { key: 'baseline', name: 'nothing attached (the baseline)', attach: none },
    { key: 'baseline2', name: 'nothing attached, a second server (the noise floor)', attach: none },
    // What any tracer on these channels pays before doing anything: Node builds and publishes each message.
    { key: 'empty-js', name: 'empty JS subscribers on the request tracepoints\' channels', attach: async () => { subscribeBoth([nothing, nothing]); return ''; } },
    // Timing each request at all: the least any tracer of latency pays.
    { key: 'clock', name: 'a clock read in bare subscribers of both channels', attach: async () => { subscribeBoth(clockFloor()); return ''; } },
    // The same histogram as http_latency's program, written by hand in JavaScript, without tsbpf.
    { key: 'plain-js', name: 'latency histogram per route in plain JavaScript', attach: async () => { subscribeBoth(plainHistogram()); return ''; } },
    // tsbpf's own cost on these channels: the request stamps, the record and a program that only returns.
    { key: 'empty-prog', name: 'empty program on http_server_response (jit)', attach: async () => { attach(emptyProgram('tracepoint'), 'tracepoint/node/http_server_response'); return ''; } },
  ];
  for (const engine of HTTP_ENGINES) {
    list.push({
      key: `histogram-${engine}`,
      name: `latency histogram on http_server_response (${engine})`,
      attach: async () => {
        const { object, note } = await loadExample('http_latency', engine);
        attach(object.program('on_response'));
        return note;
      },
    });
  }
  for (const engine of HTTP_ENGINES) {
    // db_latency's programs on db.lookup: the statement's verb is the key.
    list.push({
      key: `uprobe-${engine}`,
      name: `uprobe + uretprobe on db.lookup (${engine})`,
      attach: async () => {
        const { object, note } = await loadExample('db_latency', engine);
        attach(object.program('on_query'), uprobe(db, 'lookup'));
        attach(object.program('on_query_return'), uretprobe(db, 'lookup'));
        return note;
      },
    });
  }
  const only = process.env.TSBPF_BENCH_HTTP_ONLY;
  return only ? list.filter((c, i) => i < 2 || new RegExp(only).test(c.name)) : list;
}
