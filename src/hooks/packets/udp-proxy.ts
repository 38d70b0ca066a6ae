import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { XDP_ACTION } from '../../progtypes/xdp-md.js';
import { buildFrame, IPPROTO_UDP, parseFrame } from './frames.js';
import { PacketInterface } from './packet-interface.js';

export interface ProxyOptions {
  /** Where the proxy listens (default 127.0.0.1, port 0: any free port). */
  readonly listenHost?: string;
  readonly listenPort?: number;
  /** Where it forwards to. */
  readonly targetHost: string;
  readonly targetPort: number;
  /** The interface whose hooks see the traffic (default: a new one named `<kind>-proxy<port>`). */
  readonly interface?: PacketInterface;
}

export interface ProxyStats {
  received: number;
  forwarded: number;
  dropped: number;
  /** XDP_TX: sent back to the client. */
  transmitted: number;
  /** Frames a program left unparseable (no longer Ethernet/IP/UDP or TCP): dropped. */
  malformed: number;
}

const IDLE_MS = 30_000;

/**
 * A UDP forwarding proxy whose interface runs XDP (and socket filter)
 * programs on every datagram from a client, as the Ethernet/IP/UDP frame
 * that would arrive on a NIC: XDP_PASS forwards the (possibly rewritten)
 * payload to the target, XDP_DROP and XDP_ABORTED drop it, XDP_TX sends it
 * back to the client. Replies from the target go back to their client.
 */
export class UdpProxy {
  readonly stats: ProxyStats = { received: 0, forwarded: 0, dropped: 0, transmitted: 0, malformed: 0 };
  private readonly sessions = new Map<string, { socket: dgram.Socket; timer: NodeJS.Timeout }>();
  private readonly ownsInterface: boolean;

  private constructor(private readonly socket: dgram.Socket, readonly iface: PacketInterface, private readonly options: ProxyOptions, owns: boolean) {
    this.ownsInterface = owns;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
  }

  static async start(options: ProxyOptions): Promise<UdpProxy> {
    const host = options.listenHost ?? '127.0.0.1';
    const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.listenPort ?? 0, host, () => { socket.off('error', reject); resolve(); });
    });
    const iface = options.interface ?? new PacketInterface(`udp-proxy${socket.address().port}`);
    return new UdpProxy(socket, iface, options, options.interface === undefined);
  }

  get address(): { host: string; port: number } {
    const a = this.socket.address();
    return { host: a.address, port: a.port };
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    this.stats.received++;
    const local = this.address;
    const dst = local.host === '0.0.0.0' ? '127.0.0.1' : local.host === '::' ? '::1' : local.host;
    const r = this.iface.receive(buildFrame({ src: rinfo.address, dst, sport: rinfo.port, dport: local.port, protocol: IPPROTO_UDP, payload: msg }));
    if (r.action === XDP_ACTION.XDP_TX) {
      const back = parseFrame(r.frame);
      if (!back) { this.stats.malformed++; return; }
      this.stats.transmitted++;
      this.socket.send(back.payload, rinfo.port, rinfo.address);
      return;
    }
    if (!r.delivered) { this.stats.dropped++; return; }
    const parsed = parseFrame(r.delivered);
    if (!parsed || parsed.protocol !== IPPROTO_UDP) { this.stats.malformed++; return; }
    this.stats.forwarded++;
    this.upstream(rinfo).send(parsed.payload, this.options.targetPort, this.options.targetHost);
  }

  private upstream(client: dgram.RemoteInfo): dgram.Socket {
    const key = `${client.address}|${client.port}`;
    const known = this.sessions.get(key);
    if (known) {
      known.timer.refresh();
      return known.socket;
    }
    const socket = dgram.createSocket(isIPv6(this.options.targetHost) ? 'udp6' : 'udp4');
    socket.on('message', (reply) => this.socket.send(reply, client.port, client.address));
    socket.on('error', () => this.closeSession(key));
    const timer = setTimeout(() => this.closeSession(key), IDLE_MS).unref();
    this.sessions.set(key, { socket, timer });
    return socket;
  }

  private closeSession(key: string): void {
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    clearTimeout(s.timer);
    s.socket.close();
  }

  async close(): Promise<void> {
    for (const key of [...this.sessions.keys()]) this.closeSession(key);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    if (this.ownsInterface) this.iface.close();
  }
}
