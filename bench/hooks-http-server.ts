// One server of the HTTP throughput bench (bench/hooks-http.ts): a small
// HTTP server whose handler calls db.lookup, with one configuration of
// bench/hooks-configs.ts attached once before it listens, as a deployment
// attaches its programs. Over IPC it sends { port, note } when listening,
// and answers each 'sample' with its request count, CPU time and clock,
// all read at one moment; it exits when the parent goes.
// Run by the bench: node --import tsx bench/hooks-http-server.ts KEY
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { STATEMENT, db, httpConfigs } from './hooks-configs.js';

export interface ServerSample {
  readonly served: number;
  readonly cpuUs: number;
  readonly ms: number;
}

const key = process.argv[2];
const config = httpConfigs().find((c) => c.key === key);
if (!config || !process.send) throw new Error(`hooks-http-server: no configuration '${key}', or no IPC channel`);
const send = process.send.bind(process);

let served = 0;
const server = http.createServer((req, res) => {
  served++;
  res.end(db.lookup(STATEMENT, req.url ?? ''));
});
const note = await config.attach();
server.listen(0, '127.0.0.1', () => send({ port: (server.address() as AddressInfo).port, note }));
process.on('message', (m) => {
  if (m !== 'sample') return;
  const cpu = process.cpuUsage();
  send({ served, cpuUs: cpu.user + cpu.system, ms: performance.now() } satisfies ServerSample);
});
process.on('disconnect', () => process.exit(0));
