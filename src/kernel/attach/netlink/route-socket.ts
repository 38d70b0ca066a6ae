import { KernelError } from '../../errors.js';
import { libc, lastErrno } from '../../libc/libc.js';
import { sysClose } from '../../syscall.js';

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_ROUTE = 0;
const SOL_NETLINK = 270;
const NETLINK_EXT_ACK = 11;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_CAPPED = 0x100;
const NLM_F_ACK_TLVS = 0x200;
const NLMSGERR_ATTR_MSG = 1;
const NLMSG_HDRLEN = 16;

/** One netlink attribute: a type and its payload, or nested attributes. */
export interface NetlinkAttribute {
  readonly type: number;
  readonly value: Uint8Array | readonly NetlinkAttribute[];
}

const align4 = (n: number): number => (n + 3) & ~3;

function encodeAttributes(attrs: readonly NetlinkAttribute[]): Uint8Array {
  const parts = attrs.map((a) => {
    const payload = a.value instanceof Uint8Array ? a.value : encodeAttributes(a.value);
    const bytes = new Uint8Array(align4(4 + payload.length));
    const v = new DataView(bytes.buffer);
    v.setUint16(0, 4 + payload.length, true);
    v.setUint16(2, a.type, true);
    bytes.set(payload, 4);
    return bytes;
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Attribute payload helpers. */
export const nla = {
  u32: (type: number, value: number): NetlinkAttribute => ({ type, value: new Uint8Array(new Uint32Array([value >>> 0]).buffer) }),
  string: (type: number, value: string): NetlinkAttribute => ({ type, value: new TextEncoder().encode(`${value}\0`) }),
  nested: (type: number, value: readonly NetlinkAttribute[]): NetlinkAttribute => ({ type, value }),
};

let sequence = 1;

/**
 * A NETLINK_ROUTE request, sent with NLM_F_ACK, answered by the kernel's
 * acknowledgement; a refusal throws KernelError naming the request, with the
 * kernel's extended-ack message when it gives one ("Exclusivity flag on,
 * cannot modify").
 */
export function routeRequest(name: string, type: number, flags: number, header: Uint8Array, attrs: readonly NetlinkAttribute[]): void {
  const c = libc();
  const fd = c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) throw new KernelError('socket(AF_NETLINK)', lastErrno());
  try {
    c.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, new Uint8Array(new Int32Array([1]).buffer), 4);
    const body = encodeAttributes(attrs);
    const message = new Uint8Array(NLMSG_HDRLEN + align4(header.length) + body.length);
    const v = new DataView(message.buffer);
    const seq = sequence++;
    v.setUint32(0, message.length, true);
    v.setUint16(4, type, true);
    v.setUint16(6, flags | NLM_F_REQUEST | NLM_F_ACK, true);
    v.setUint32(8, seq, true);
    message.set(header, NLMSG_HDRLEN);
    message.set(body, NLMSG_HDRLEN + align4(header.length));
    if (c.send(fd, message, message.length, 0) !== message.length) throw new KernelError(`netlink ${name}`, lastErrno(), 'send');
    const reply = new Uint8Array(16384);
    for (;;) {
      const n = Number(c.recv(fd, reply, reply.length, 0));
      if (n < 0) throw new KernelError(`netlink ${name}`, lastErrno(), 'recv');
      for (let at = 0; at + NLMSG_HDRLEN <= n;) {
        const rv = new DataView(reply.buffer, at);
        const len = rv.getUint32(0, true);
        if (len < NLMSG_HDRLEN) break;
        if (rv.getUint16(4, true) === NLMSG_ERROR && rv.getUint32(8, true) === seq) {
          const error = rv.getInt32(16, true);
          if (error === 0) return;
          const replyFlags = rv.getUint16(6, true);
          throw new KernelError(`netlink ${name}`, -error, extAckMessage(reply.subarray(at, at + len), replyFlags));
        }
        at += align4(len);
      }
    }
  } finally {
    sysClose(fd);
  }
}

/** The NLMSGERR_ATTR_MSG text of an error reply, or ''. */
function extAckMessage(msg: Uint8Array, flags: number): string {
  if ((flags & NLM_F_ACK_TLVS) === 0) return '';
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const innerLen = v.getUint32(NLMSG_HDRLEN + 4, true);
  let at = NLMSG_HDRLEN + 4 + ((flags & NLM_F_CAPPED) !== 0 ? NLMSG_HDRLEN : align4(innerLen));
  while (at + 4 <= msg.length) {
    const len = v.getUint16(at, true);
    const type = v.getUint16(at + 2, true) & 0x3fff;
    if (len < 4) break;
    if (type === NLMSGERR_ATTR_MSG) {
      const text = msg.subarray(at + 4, at + len);
      const end = text.indexOf(0);
      return new TextDecoder().decode(end < 0 ? text : text.subarray(0, end));
    }
    at += align4(len);
  }
  return '';
}
