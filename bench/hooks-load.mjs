// Load generator of bench/hooks-http.ts, in the manner of wrk: CONNECTIONS
// keep-alive connections to each of the servers at 127.0.0.1:PORTS (a
// comma-separated list), of which one server at a time is loaded: each of
// its connections keeps DEPTH pipelined GETs in flight (a new one for each
// complete response). A line on stdin with a server's index moves the load
// to it (the others' connections finish what they have in flight and go
// idle); closing stdin ends the generator. The servers count what they serve.
// Raw sockets, one write per batch of responses and a minimal parser: the
// load generator must cost far less per request than the server under
// test, so that the server's core, not the generator, is what saturates.
import net from 'node:net';

const [ports, connections, depth, path] = [process.argv[2].split(',').map(Number), Number(process.argv[3]), Number(process.argv[4] ?? 1), process.argv[5] ?? '/users?id=1'];
/** The index of the server under load (-1: none yet). */
let active = -1;

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

/** The connections to server `index`, each with the requests it has in flight. */
function server(index) {
  const port = ports[index];
  const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`;
  /** k requests in one buffer, for k up to the depth: a batch of responses is answered with one write. */
  const batches = Array.from({ length: depth + 1 }, (_, k) => Buffer.from(request.repeat(k), 'latin1'));
  const conns = [];
  for (let i = 0; i < connections; i++) {
    const conn = { socket: net.connect({ host: '127.0.0.1', port, noDelay: true }), inFlight: 0, ready: false };
    /** Tops the connection up to `depth` requests in flight, while its server is the loaded one. */
    conn.fill = () => {
      const k = depth - conn.inFlight;
      if (active !== index || !conn.ready || k <= 0) return;
      conn.inFlight += k;
      conn.socket.write(batches[k]);
    };
    let pending = '';
    conn.socket.setEncoding('latin1');
    conn.socket.on('connect', () => { conn.ready = true; conn.fill(); });
    conn.socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : pending + chunk;
      const { count, rest } = completeResponses(pending);
      if (count === 0) return;
      pending = rest === pending.length ? '' : pending.slice(rest);
      conn.inFlight -= count;
      conn.fill();
    });
    conn.socket.on('error', () => {});
    conns.push(conn);
  }
  return conns;
}

const servers = ports.map((_, i) => server(i));
let line = '';
process.stdin.setEncoding('latin1');
process.stdin.on('data', (chunk) => {
  line += chunk;
  for (let nl = line.indexOf('\n'); nl >= 0; nl = line.indexOf('\n')) {
    active = Number(line.slice(0, nl));
    line = line.slice(nl + 1);
    for (const conn of servers[active] ?? []) conn.fill();
  }
});
const stop = () => {
  for (const conns of servers) for (const c of conns) c.socket.destroy();
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('error', stop);
