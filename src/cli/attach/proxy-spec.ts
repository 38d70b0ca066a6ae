import { CliInputError } from '../errors.js';

/** A proxy as ssh's -L writes a forward: `[bind_address:]port:host:hostport`. */
export interface ProxySpec {
  readonly listenHost: string;
  readonly listenPort: number;
  readonly targetHost: string;
  readonly targetPort: number;
}

const port = (text: string, what: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliInputError(`${what}: "${text}" is not a port`);
  return n;
};

/** Parses `5353:127.0.0.1:53` or `127.0.0.1:5353:127.0.0.1:53` ([::1] for IPv6 hosts). */
export function parseProxySpec(text: string, option: string): ProxySpec {
  const parts = text.match(/\[[^\]]*\]|[^:]+/g) ?? [];
  const host = (h: string): string => h.replace(/^\[(.*)\]$/, '$1');
  if (parts.length === 3) return { listenHost: '127.0.0.1', listenPort: port(parts[0], option), targetHost: host(parts[1]), targetPort: port(parts[2], option) };
  if (parts.length === 4) return { listenHost: host(parts[0]), listenPort: port(parts[1], option), targetHost: host(parts[2]), targetPort: port(parts[3], option) };
  throw new CliInputError(`${option} ${text}: expected [bind_address:]port:host:hostport`);
}
