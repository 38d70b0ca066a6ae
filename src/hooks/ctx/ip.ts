import { isIPv4, isIPv6 } from 'node:net';

/** Address families as the kernel numbers them. */
export const AF_INET = 2;
export const AF_INET6 = 10;

/** The four bytes of a dotted IPv4 address (network order), or null. */
export function ipv4Bytes(address: string): Uint8Array | null {
  if (!isIPv4(address)) return null;
  return Uint8Array.from(address.split('.').map(Number));
}

/**
 * The sixteen bytes of an IPv6 address (network order), or null; an IPv4
 * address gives its IPv4-mapped form (::ffff:a.b.c.d), as the kernel stores
 * IPv4 peers of dual-stack sockets.
 */
export function ipv6Bytes(address: string): Uint8Array | null {
  const v4 = ipv4Bytes(address);
  if (v4) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]);
  const bare = address.replace(/%.*$/, '');
  if (!isIPv6(bare)) return null;
  let text = bare;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...ipv4Bytes(dotted[1])!);
    text = text.slice(0, -dotted[1].length) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, null];
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === null ? [] : groups(rest);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = new Uint8Array(16);
  words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
  if (tail.length) out.set(tail, 12);
  return out;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), or of a dotted one. */
export function ipv4Of(address: string): Uint8Array | null {
  const direct = ipv4Bytes(address);
  if (direct) return direct;
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? ipv4Bytes(m[1]) : null;
}
