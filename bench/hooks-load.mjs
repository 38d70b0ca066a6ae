// Load generator of bench/hooks.ts: CONCURRENCY keep-alive clients send GETs
// to PORT for DURATION_MS; prints the number of completed requests.
import http from 'node:http';

const [port, durationMs, concurrency, path] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]), process.argv[5] ?? '/users?id=1'];
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const end = Date.now() + durationMs;
let done = 0;
async function client() {
  while (Date.now() < end) {
    await new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
    });
    done++;
  }
}
await Promise.all(Array.from({ length: concurrency }, client));
agent.destroy();
process.stdout.write(`${done}\n`);
