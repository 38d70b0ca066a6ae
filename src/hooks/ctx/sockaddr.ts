import { AF_INET, AF_INET6, ipv4Bytes, ipv6Bytes } from './ip.js';

/**
 * struct sockaddr_in (16 bytes) or struct sockaddr_in6 (28 bytes) for an
 * address and port, as a program reads them from a connect() argument:
 * family in host order, port and address in network order.
 */
export function sockaddrOf(address: string, port: number): Uint8Array {
  const v4 = ipv4Bytes(address);
  if (v4) {
    const out = new Uint8Array(16);
    const v = new DataView(out.buffer);
    v.setUint16(0, AF_INET, true);
    v.setUint16(2, port, false);
    out.set(v4, 4);
    return out;
  }
  const out = new Uint8Array(28);
  const v = new DataView(out.buffer);
  v.setUint16(0, AF_INET6, true);
  v.setUint16(2, port, false);
  out.set(ipv6Bytes(address) ?? new Uint8Array(16), 8);
  return out;
}
