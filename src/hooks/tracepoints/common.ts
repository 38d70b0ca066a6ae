import { executionAsyncId } from 'node:async_hooks';
import { threadId } from 'node:worker_threads';
import type { Socket } from 'node:net';
import { CtxImage } from '../ctx/image.js';
import { AF_INET, AF_INET6, ipv4Of, ipv6Bytes } from '../ctx/ip.js';
import { connectionState, type ConnectionState } from './connection-state.js';

/** Parsed addresses, by their text: a server sees the same few peers over and over. */
const parsed = new Map<string, { readonly v4: Uint8Array | null; readonly v6: Uint8Array | null }>();
const PARSED_MAX = 1024;

function addressBytes(text: string): { readonly v4: Uint8Array | null; readonly v6: Uint8Array | null } {
  let hit = parsed.get(text);
  if (!hit) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(text, (hit = { v4: ipv4Of(text), v6: ipv6Bytes(text) }));
  }
  return hit;
}
import { TRACE_ENTRY } from '../ctx/kernel-structs.js';
import { fieldOffset, layoutOf, type FieldDef, type StructLayout } from '../ctx/layout.js';

/** Fields every tsbpf Node.js tracepoint record starts with (24 bytes). */
export const COMMON_FIELDS: readonly FieldDef[] = [
  { name: 'ent', type: TRACE_ENTRY },
  { name: 'ts_ns', type: '__u64', doc: 'monotonic time of the event, the clock of bpf_ktime_get_ns()' },
  { name: 'tid', type: '__u32', doc: '0 on the main thread, else the worker\'s threadId' },
  { name: 'async_id', type: '__u32', doc: 'executionAsyncId() where the event fired' },
];

/** A socket's endpoints, laid out as the kernel's inet_sock_set_state tracepoint (ports in host order). */
export const SOCKET_FIELDS: readonly FieldDef[] = [
  { name: 'family', type: '__u16', doc: 'AF_INET (2) or AF_INET6 (10); 0 when unknown' },
  { name: 'lport', type: '__u16', doc: 'local port, host byte order' },
  { name: 'rport', type: '__u16', doc: 'remote port, host byte order' },
  { name: 'protocol', type: '__u16', doc: 'IPPROTO_TCP (6) or IPPROTO_UDP (17)' },
  { name: 'laddr', type: '__u8', count: 4, doc: 'local IPv4 address, network order (0 for IPv6)' },
  { name: 'raddr', type: '__u8', count: 4, doc: 'remote IPv4 address, network order (0 for IPv6)' },
  { name: 'laddr_v6', type: '__u8', count: 16, doc: 'local address as IPv6 (IPv4-mapped for IPv4)' },
  { name: 'raddr_v6', type: '__u8', count: 16, doc: 'remote address as IPv6 (IPv4-mapped for IPv4)' },
];

/** Bytes of COMMON_FIELDS. */
export const COMMON_SIZE = layoutOf({ name: 'tsbpf_common_fields', doc: 'COMMON_FIELDS in a row', fields: COMMON_FIELDS }).size;

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** process.pid is a getter, read once: a process keeps its pid. */
const PID = process.pid;

/** Writes the common fields; `id` is the tracepoint's number (ent.type). */
export function writeCommon(img: CtxImage, id: number, nowNs: bigint): void {
  const v = img.view;
  v.setUint16(0, id, true);
  v.setInt32(4, PID, true);
  img.bigU64(8, nowNs);
  v.setUint32(16, threadId >>> 0, true);
  v.setUint32(20, executionAsyncId() >>> 0, true);
}

/** Offsets of the socket fields in a struct that embeds SOCKET_FIELDS. */
export interface SocketOffsets {
  readonly family: number;
  readonly lport: number;
  readonly rport: number;
  readonly protocol: number;
  readonly laddr: number;
  readonly raddr: number;
  readonly laddr_v6: number;
  readonly raddr_v6: number;
}

/** SOCKET_FIELDS alone: the block writeSocket caches per socket and copies into a record. */
const SOCKET_BLOCK = layoutOf({ name: 'tsbpf_socket_fields', doc: 'SOCKET_FIELDS in a row', fields: SOCKET_FIELDS });
const SOCKET_BLOCK_AT = socketOffsetsIn(SOCKET_BLOCK);
const SOCKET_BLOCK_WORDS = SOCKET_BLOCK.size >> 2;
if (SOCKET_BLOCK.size % 4 !== 0) throw new RangeError('SOCKET_FIELDS must fill whole 32-bit words');

function socketOffsetsIn(layout: StructLayout): SocketOffsets {
  const o = (n: string): number => fieldOffset(layout, n);
  return {
    family: o('family'), lport: o('lport'), rport: o('rport'), protocol: o('protocol'),
    laddr: o('laddr'), raddr: o('raddr'), laddr_v6: o('laddr_v6'), raddr_v6: o('raddr_v6'),
  };
}

export function socketOffsets(layout: StructLayout): SocketOffsets {
  const at = socketOffsetsIn(layout);
  // writeSocket copies the fields as one block of words: they must sit in a row, as SOCKET_FIELDS lays them out, 4-byte aligned.
  for (const k of Object.keys(at) as Array<keyof SocketOffsets>) {
    if (at[k] - at.family !== SOCKET_BLOCK_AT[k]) throw new RangeError(`struct ${layout.name}: SOCKET_FIELDS must be embedded in a row`);
  }
  if (at.family % 4 !== 0) throw new RangeError(`struct ${layout.name}: SOCKET_FIELDS must start 4-byte aligned`);
  return at;
}

/** A connected socket's fields, written once: a keep-alive connection serves request after request. */
export interface SocketBlock {
  readonly protocol: number;
  /** The socket's cached peer name when the block was made: a socket that connects again drops it. */
  readonly peer: unknown;
  /** The block as 32-bit words (host order, as CtxImage.words): stores of words cost less than a TypedArray copy per event. */
  readonly words: Uint32Array;
}

type WithPeer = { _peername?: unknown };
const blockImage = new CtxImage(SOCKET_BLOCK);

/**
 * The endpoints of a connected stream socket (nothing written for a socket
 * without addresses). `state` is the socket's connection state when the
 * caller has looked it up already.
 */
export function writeSocket(img: CtxImage, at: SocketOffsets, socket: Socket | null | undefined, protocol = IPPROTO_TCP, state?: ConnectionState): void {
  if (!socket || !img.reads(at.family, SOCKET_BLOCK.size)) return;
  // net.Socket's address getters cost tens of ns each: a socket's block is made once, and kept while
  // the socket keeps the peer name its getters cached (a plain field, reset when a closed socket connects again).
  const s = socket as Socket & WithPeer;
  const conn = state ?? connectionState(socket);
  let known = conn.block;
  if (known === undefined || known.peer !== s._peername || known.protocol !== protocol) {
    const local = socket.localAddress;
    const remote = socket.remoteAddress;
    const lport = socket.localPort;
    const rport = socket.remotePort;
    const family = socket.remoteFamily ?? (local?.includes(':') ? 'IPv6' : 'IPv4');
    // Only a socket with both ends known is cached (a client socket learns them as it connects).
    if (!local || !remote || lport === undefined || rport === undefined) {
      writeEndpoints(img, at, family, local, lport, remote, rport, protocol);
      return;
    }
    const block = blockImage.clear();
    writeEndpoints(block, SOCKET_BLOCK_AT, family, local, lport, remote, rport, protocol);
    conn.block = known = { protocol, peer: s._peername, words: block.words.slice() };
  }
  const to = img.words;
  const base = at.family >> 2;
  const words = known.words;
  for (let i = 0; i < SOCKET_BLOCK_WORDS; i++) to[base + i] = words[i];
}

/** Writes the socket fields from addresses as Node reports them. */
export function writeEndpoints(
  img: CtxImage, at: SocketOffsets, family: string | number | undefined,
  local: string | undefined, lport: number | undefined, remote: string | undefined, rport: number | undefined,
  protocol: number,
): void {
  const v6 = family === 'IPv6' || family === 6;
  img.u16(at.family, family === undefined ? 0 : v6 ? AF_INET6 : AF_INET);
  img.u16(at.lport, lport ?? 0);
  img.u16(at.rport, rport ?? 0);
  img.u16(at.protocol, protocol);
  if (local) {
    const a = addressBytes(local);
    if (a.v4) img.raw(at.laddr, 4, a.v4);
    if (a.v6) img.raw(at.laddr_v6, 16, a.v6);
  }
  if (remote) {
    const a = addressBytes(remote);
    if (a.v4) img.raw(at.raddr, 4, a.v4);
    if (a.v6) img.raw(at.raddr_v6, 16, a.v6);
  }
}
