// A veth pair for the XDP and tc tests: `outer` in this process's network
// namespace, `inner` in a namespace the fixture creates, with 10.213.N.1/30
// and 10.213.N.2/30. UDP datagrams are sent from inside the namespace by a
// child process (ip netns exec), so they arrive on `outer` as real traffic.
import { spawnSync } from 'node:child_process';

export interface VethPair {
  readonly namespace: string;
  readonly outer: string;
  readonly inner: string;
  readonly outerAddress: string;
  readonly innerAddress: string;
  /** Sends `count` UDP datagrams from inside the namespace to outerAddress:port. */
  sendUdp(port: number, count: number): void;
  /** Sends `count` UDP datagrams from this namespace to innerAddress:port (they leave through `outer`). */
  sendUdpOut(port: number, count: number): Promise<void>;
  destroy(): void;
}

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || r.error?.message}`);
}

/** Why veth tests cannot run here (no `ip`, no namespaces), or undefined. */
export function vethSkipReason(): string | undefined {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `iproute2's ip is not usable: ${r.error?.message ?? r.stderr.trim()}`;
  return undefined;
}

let serial = 0;

export function createVethPair(): VethPair {
  const id = `${process.pid % 10000}${serial++}`;
  const namespace = `tsbpf-test-${id}`;
  const outer = `tsa${id}`;
  const inner = `tsb${id}`;
  const subnet = (process.pid * 7 + serial) % 250 + 1;
  const outerAddress = `10.213.${subnet}.1`;
  const innerAddress = `10.213.${subnet}.2`;
  ip('netns', 'add', namespace);
  try {
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', inner, 'netns', namespace);
    ip('addr', 'add', `${outerAddress}/30`, 'dev', outer);
    ip('link', 'set', outer, 'up');
    ip('-n', namespace, 'addr', 'add', `${innerAddress}/30`, 'dev', inner);
    ip('-n', namespace, 'link', 'set', inner, 'up');
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
  } catch (err) {
    spawnSync('ip', ['link', 'del', outer]);
    spawnSync('ip', ['netns', 'del', namespace]);
    throw err;
  }
  const sendScript = (address: string, port: number, count: number): string => `
    const s = require('node:dgram').createSocket('udp4');
    let n = 0;
    const next = () => n < ${count} ? s.send(Buffer.from('tsbpf ' + n++), ${port}, '${address}', next) : s.close();
    next();`;
  return {
    namespace, outer, inner, outerAddress, innerAddress,
    sendUdp(port, count) {
      const r = spawnSync('ip', ['netns', 'exec', namespace, process.execPath, '-e', sendScript(outerAddress, port, count)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`sending from ${namespace} failed: ${r.stderr}`);
    },
    async sendUdpOut(port, count) {
      const dgram = await import('node:dgram');
      const socket = dgram.createSocket('udp4');
      try {
        for (let i = 0; i < count; i++) {
          await new Promise<void>((resolve, reject) => socket.send(Buffer.from(`out ${i}`), port, innerAddress, (e) => (e ? reject(e) : resolve())));
        }
      } finally {
        socket.close();
      }
    },
    destroy() {
      spawnSync('ip', ['link', 'del', outer]);
      spawnSync('ip', ['netns', 'del', namespace]);
    },
  };
}
