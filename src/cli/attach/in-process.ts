import { writeFileSync } from 'node:fs';
import type { BpfObject } from '../../object/bpf-object.js';
import { readCaptureFile } from '../../hooks/packets/capture/read-capture.js';
import { writePcap } from '../../hooks/packets/capture/pcap.js';
import { writePcapng } from '../../hooks/packets/capture/pcapng.js';
import { PacketInterface, type VerdictCounts } from '../../hooks/packets/packet-interface.js';
import { replayCapture } from '../../hooks/packets/replay.js';
import { TcpProxy } from '../../hooks/packets/tcp-proxy.js';
import { UdpProxy } from '../../hooks/packets/udp-proxy.js';
import { AttachSession, type SessionEvent } from '../../hooks/session/attach-session.js';
import type { ProxySpec } from './proxy-spec.js';

export interface InProcessOptions {
  readonly sampleFreq?: number;
  readonly durationMs?: number;
  readonly pcap?: string;
  readonly pcapOut?: string;
  readonly udpProxies: readonly ProxySpec[];
  readonly tcpProxies: readonly ProxySpec[];
  readonly onEvent: (e: SessionEvent) => void;
  readonly onAttach: (program: string, hook: string | null, reason?: string) => void;
  readonly onNote: (text: string) => void;
}

export interface InProcessResult {
  readonly maps: Record<string, unknown>;
  readonly pcap?: { readonly counts: VerdictCounts; readonly packets: number; readonly packetsPerSecond: number };
  readonly links: ReadonlyArray<{ readonly program: string; readonly hook: string; readonly runs: number; readonly errors: number }>;
}

/** Waits for the duration, or until SIGINT/SIGTERM when there is none. */
function wait(durationMs: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      if (timer) clearTimeout(timer);
      resolve();
    };
    const timer = durationMs !== undefined ? setTimeout(done, durationMs) : null;
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/**
 * `tsbpf attach OBJ` without a command: the hooks run in the CLI's own
 * process. Packet programs get an interface (tsbpf0) that a capture is
 * replayed through (--pcap) and that proxies forward through (--udp-proxy,
 * --tcp-proxy); the session runs for the duration (or until Ctrl-C; a
 * capture alone ends when replayed).
 */
export async function runInProcess(obj: BpfObject, options: InProcessOptions): Promise<InProcessResult> {
  const iface = new PacketInterface(`tsbpf${process.pid}`);
  const proxies: Array<UdpProxy | TcpProxy> = [];
  let session: AttachSession | null = null;
  try {
    session = new AttachSession(obj, {
      interface: iface, baseDir: process.cwd(), onAttach: options.onAttach,
      ...(options.sampleFreq !== undefined ? { sampleFreq: options.sampleFreq } : {}),
    });
    session.onEvent(options.onEvent);
    for (const p of options.udpProxies) {
      const proxy = await UdpProxy.start({ ...p, interface: iface });
      proxies.push(proxy);
      options.onNote(`udp proxy ${proxy.address.host}:${proxy.address.port} -> ${p.targetHost}:${p.targetPort}`);
    }
    for (const p of options.tcpProxies) {
      const proxy = await TcpProxy.start({ ...p, interface: iface });
      proxies.push(proxy);
      options.onNote(`tcp proxy ${proxy.address.host}:${proxy.address.port} -> ${p.targetHost}:${p.targetPort}`);
    }
    let pcap: InProcessResult['pcap'];
    if (options.pcap !== undefined) {
      const capture = readCaptureFile(options.pcap);
      const r = replayCapture(capture, iface);
      pcap = { counts: r.counts, packets: capture.packets.length, packetsPerSecond: Math.round(r.packetsPerSecond) };
      if (options.pcapOut !== undefined) writeFileSync(options.pcapOut, options.pcapOut.endsWith('.pcap') ? writePcap(r.passed) : writePcapng(r.passed));
    }
    if (options.durationMs !== undefined || proxies.length > 0 || options.pcap === undefined) await wait(options.durationMs);
    session.flush();
    await new Promise((r) => setImmediate(r));
    return {
      maps: session.dumpMaps(),
      ...(pcap ? { pcap } : {}),
      links: session.links.map((l) => ({ program: l.program.name, hook: l.hook, runs: l.stats.runCount, errors: l.stats.errorCount })),
    };
  } finally {
    session?.close();
    for (const p of proxies) await p.close();
    iface.close();
  }
}
