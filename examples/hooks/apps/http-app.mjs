// A small HTTP service for the hook examples: serves /users (fast), /report
// (slow: 30 ms) and /health, makes a few requests to itself, then exits.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/report')) setTimeout(() => res.end('report'), 30);
  else if (req.url.startsWith('/users')) res.end(readFileSync(new URL(import.meta.url)).subarray(0, 10));
  else { res.statusCode = req.url === '/health' ? 200 : 404; res.end(); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const { port } = server.address();
const get = (path) => new Promise((resolve) => http.get({ port, host: '127.0.0.1', path, agent: false }, (r) => { r.resume(); r.on('end', resolve); }));
for (const path of ['/users?id=1', '/users?id=2', '/users', '/report', '/health', '/nope']) await get(path);
server.close();
