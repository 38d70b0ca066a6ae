import net from 'node:net';
import { XDP_ACTION } from '../../progtypes/xdp-md.js';
import { buildFrame, IPPROTO_TCP, parseFrame, TCP_ACK, TCP_PSH, TCP_SYN } from './frames.js';
import { PacketInterface } from './packet-interface.js';
import type { ProxyOptions } from './udp-proxy.js';

/** The largest first segment programs see (an Ethernet MTU's TCP payload); the rest of the first read follows unfiltered. */
export const TCP_PROXY_MSS = 1460;

export interface TcpProxyStats {
  connections: number;
  /** Connections whose SYN or first segment a program dropped (the client gets a reset). */
  refused: number;
  forwarded: number;
  malformed: number;
}

/**
 * A TCP forwarding proxy whose interface runs XDP (and socket filter)
 * programs on the first segments of each connection, as frames on a NIC:
 * the SYN (a verdict on the connection itself: source, ports) and the first
 * data segment (up to one MSS), whose payload a program may rewrite
 * (adjust_head/tail). A drop resets the client's connection; XDP_PASS
 * connects to the target and relays both ways; later segments are relayed
 * without programs.
 */
export class TcpProxy {
  readonly stats: TcpProxyStats = { connections: 0, refused: 0, forwarded: 0, malformed: 0 };
  private readonly open = new Set<net.Socket>();
  private readonly ownsInterface: boolean;

  private constructor(private readonly server: net.Server, readonly iface: PacketInterface, private readonly options: ProxyOptions, owns: boolean) {
    this.ownsInterface = owns;
    server.on('connection', (client) => this.onConnection(client));
  }

  static async start(options: ProxyOptions): Promise<TcpProxy> {
    const server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listenPort ?? 0, options.listenHost ?? '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
    const port = (server.address() as net.AddressInfo).port;
    const iface = options.interface ?? new PacketInterface(`tcp-proxy${port}`);
    return new TcpProxy(server, iface, options, options.interface === undefined);
  }

  get address(): { host: string; port: number } {
    const a = this.server.address() as net.AddressInfo;
    return { host: a.address, port: a.port };
  }

  private frame(client: net.Socket, flags: number, seq: number, payload?: Uint8Array): Uint8Array {
    return buildFrame({
      src: client.remoteAddress ?? '127.0.0.1', dst: client.localAddress ?? '127.0.0.1',
      sport: client.remotePort ?? 0, dport: client.localPort ?? 0, protocol: IPPROTO_TCP, flags, seq, payload,
    });
  }

  private track(socket: net.Socket): void {
    this.open.add(socket);
    socket.on('close', () => this.open.delete(socket));
  }

  private refuse(client: net.Socket): void {
    this.stats.refused++;
    client.resetAndDestroy();
  }

  private onConnection(client: net.Socket): void {
    this.stats.connections++;
    this.track(client);
    client.on('error', () => client.destroy());
    const isn = (Math.random() * 0x1_0000_0000) >>> 0;
    const syn = this.iface.receive(this.frame(client, TCP_SYN, isn));
    if (!syn.delivered) {
      this.refuse(client);
      return;
    }
    const upstream = net.connect(this.options.targetPort, this.options.targetHost);
    this.track(upstream);
    upstream.on('error', () => { client.destroy(); upstream.destroy(); });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);
    client.once('data', (chunk: Buffer) => {
      const first = chunk.subarray(0, TCP_PROXY_MSS);
      const r = this.iface.receive(this.frame(client, TCP_PSH | TCP_ACK, (isn + 1) >>> 0, first));
      if (r.action === XDP_ACTION.XDP_TX) {
        const back = parseFrame(r.frame);
        if (back) client.write(back.payload);
        client.end();
        upstream.destroy();
        return;
      }
      const parsed = r.delivered && parseFrame(r.delivered);
      if (!r.delivered) {
        upstream.destroy();
        this.refuse(client);
        return;
      }
      if (!parsed || parsed.protocol !== IPPROTO_TCP) {
        this.stats.malformed++;
        upstream.destroy();
        this.refuse(client);
        return;
      }
      this.stats.forwarded++;
      upstream.write(parsed.payload);
      if (chunk.length > first.length) upstream.write(chunk.subarray(first.length));
      client.pipe(upstream);
    });
    client.resume();
  }

  async close(): Promise<void> {
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.ownsInterface) this.iface.close();
  }
}
