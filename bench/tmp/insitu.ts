// Temporary: the hook's own time per request inside a live server (subscribers before and after ours).
import { spawn } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { attach } from '../../dist/hooks/attach.js';
import { loadObject } from '../../dist/object/load-object.js';
const root = join(import.meta.dirname, '..', '..');
let served = 0;
const server = http.createServer((req, res) => { served++; res.end(`${req.url?.length}`); });
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
const o = await loadObject(join(root, 'examples/hooks/http_latency.bpf.o'), { engine: 'jit' });
const load = spawn('taskset', ['-c', '1', process.execPath, join(root, 'bench', 'hooks-load.mjs'), String(port), '32', '4'], { stdio: ['pipe', 'inherit', 'inherit'] });
const chans = ['http.server.request.start', 'http.server.response.finish'];
let acc = 0; let t0 = 0;
const before = () => { t0 = performance.now(); };
const after = () => { acc += performance.now() - t0; };
for (const c of chans) dc.subscribe(c, before);
const link = attach(o.program('on_response'));
for (const c of chans) dc.subscribe(c, after);
await sleep(1500);
const xs: number[] = [];
for (let r = 0; r < 16; r++) {
  // alternate: with and without the hook, to subtract the timing pair's own cost
  acc = 0; let n0 = served; await sleep(300); const withHook = (acc * 1000) / (served - n0);
  link.detach();
  acc = 0; n0 = served; await sleep(300); const bare = (acc * 1000) / (served - n0);
  xs.push(withHook - bare);
  (globalThis as any).__l = attach(o.program('on_response'));
  for (const c of chans) { dc.unsubscribe(c, after); dc.subscribe(c, after); }
  Object.assign(link, {});
  (link as any).detach = () => (globalThis as any).__l.detach();
}
xs.sort((a, b) => a - b);
console.log('hook us/request: median', xs[8].toFixed(3), 'q1', xs[4].toFixed(3), 'q3', xs[12].toFixed(3));
load.kill(); server.close(); process.exit(0);
