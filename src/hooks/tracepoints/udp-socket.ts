import type { Socket } from 'node:dgram';
import { AF_INET, AF_INET6 } from '../ctx/ip.js';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';
import { COMMON_FIELDS } from './common.js';
import { onChannel, type NodeTracepointDef } from './node-tracepoint-def.js';
import { stampOf } from './object-ids.js';

export const UDP_SOCKET: StructDef = {
  name: 'tsbpf_udp_socket',
  doc: 'tracepoint/node/udp_socket: a UDP socket was created (udp.socket)',
  fields: [
    ...COMMON_FIELDS,
    { name: 'sock_id', type: '__u64' },
    { name: 'family', type: '__u16', doc: 'AF_INET for udp4, AF_INET6 for udp6' },
    { name: 'reuse_addr', type: '__u8' },
    { name: 'ipv6_only', type: '__u8' },
    { name: 'pad', type: '__u32' },
  ],
};

/** dgram keeps the socket's options in a symbol-keyed state object (`type` is public). */
interface DgramState { reuseAddr?: boolean; ipv6Only?: boolean }

const layout = layoutOf(UDP_SOCKET);
const at = { sockId: fieldOffset(layout, 'sock_id'), family: fieldOffset(layout, 'family'), reuse: fieldOffset(layout, 'reuse_addr'), v6only: fieldOffset(layout, 'ipv6_only') };

function stateOf(socket: Socket): DgramState {
  for (const sym of Object.getOwnPropertySymbols(socket)) {
    const v = (socket as unknown as Record<symbol, unknown>)[sym];
    if (v && typeof v === 'object' && 'reuseAddr' in v && 'ipv6Only' in v) return v as DgramState;
  }
  return {};
}

export const udpSocket: NodeTracepointDef = {
  name: 'udp_socket',
  id: 1007,
  channel: 'udp.socket',
  doc: 'a UDP socket has been created (dgram.createSocket)',
  struct: UDP_SOCKET,
  install: onChannel('udp.socket', (img, message, now) => {
    const { socket } = message as { socket: Socket };
    img.u64(at.sockId, stampOf(socket, now).id);
    const state = stateOf(socket);
    const type = (socket as Socket & { type?: string }).type;
    img.u16(at.family, type === 'udp6' ? AF_INET6 : type === 'udp4' ? AF_INET : 0);
    img.u8(at.reuse, state.reuseAddr ? 1 : 0);
    img.u8(at.v6only, state.ipv6Only ? 1 : 0);
  }),
};
