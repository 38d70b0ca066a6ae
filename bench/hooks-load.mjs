// Load generator of bench/hooks.ts, in the manner of wrk: CONNECTIONS
// keep-alive connections to 127.0.0.1:PORT, each keeping DEPTH pipelined
// GETs in flight (a new one for each complete response) until the parent
// closes our stdin; the server counts what it serves, window by window.
// Raw sockets, one write per batch of responses and a minimal parser: the
// load generator must cost far less per request than the server under
// test, so that the server's core, not the generator, is what saturates.
import net from 'node:net';

const [port, connections, depth, path] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4] ?? 1), process.argv[5] ?? '/users?id=1'];
const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`;
/** k requests in one buffer, for k up to the depth: a batch of responses is answered with one write. */
const batches = Array.from({ length: depth + 1 }, (_, k) => Buffer.from(request.repeat(k), 'latin1'));
const sockets = [];

/** How many complete responses `text` starts with, and where the incomplete rest begins. */
function completeResponses(text) {
  let count = 0;
  let at = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const header = text.indexOf('Content-Length: ', at);
    const length = header >= 0 && header < end ? parseInt(text.slice(header + 16, text.indexOf('\r\n', header)), 10) : 0;
    const next = end + 4 + length;
    if (next > text.length) break;
    count++;
    at = next;
  }
  return { count, rest: at };
}

function connection() {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  sockets.push(socket);
  let pending = '';
  socket.setEncoding('latin1');
  socket.on('connect', () => socket.write(batches[depth]));
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : pending + chunk;
    const { count, rest } = completeResponses(pending);
    if (count === 0) return;
    pending = rest === pending.length ? '' : pending.slice(rest);
    for (let k = count; k > 0; k -= depth) socket.write(batches[Math.min(k, depth)]);
  });
  socket.on('error', () => {});
}

for (let i = 0; i < connections; i++) connection();
process.stdin.resume();
const stop = () => {
  for (const s of sockets) s.destroy();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
