import type { Socket } from 'node:net';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';
import { COMMON_FIELDS, SOCKET_FIELDS, socketOffsets, writeSocket } from './common.js';
import { onChannel, subscribe, type NodeTracepointDef } from './node-tracepoint-def.js';
import { stampOf } from './object-ids.js';

export const NET_SOCKET: StructDef = {
  name: 'tsbpf_net_socket',
  doc: 'tracepoint/node/net_server_socket and net_client_socket: a TCP connection (node:net)',
  fields: [
    ...COMMON_FIELDS,
    { name: 'sock_id', type: '__u64', doc: 'the socket, stable for its lifetime' },
    ...SOCKET_FIELDS,
  ],
};

const layout = layoutOf(NET_SOCKET);
const at = { sockId: fieldOffset(layout, 'sock_id'), sock: socketOffsets(layout) };

export const netServerSocket: NodeTracepointDef = {
  name: 'net_server_socket',
  id: 1005,
  channel: 'net.server.socket',
  doc: 'a server has accepted a TCP connection',
  struct: NET_SOCKET,
  install: onChannel('net.server.socket', (img, message, now) => {
    const { socket } = message as { socket: Socket };
    img.u64(at.sockId, stampOf(socket, now).id);
    writeSocket(img, at.sock, socket);
  }),
};

export const netClientSocket: NodeTracepointDef = {
  name: 'net_client_socket',
  id: 1006,
  channel: 'net.client.socket',
  doc: 'a client TCP socket (net.connect) has connected (net.client.socket, then the socket\'s connect event)',
  struct: NET_SOCKET,
  install: (emit) => {
    // net.client.socket fires before connect() starts: the endpoints are known at 'connect'.
    const pending = new Map<Socket, () => void>();
    const stop = subscribe('net.client.socket', (message) => {
      const { socket } = message as { socket: Socket };
      const forget = (): void => {
        socket.off('connect', onConnect);
        socket.off('close', forget);
        pending.delete(socket);
      };
      const onConnect = (): void => {
        forget();
        emit((img, _message, now) => {
          img.u64(at.sockId, stampOf(socket, now).id);
          writeSocket(img, at.sock, socket);
        });
      };
      socket.once('connect', onConnect);
      socket.once('close', forget);
      pending.set(socket, forget);
    });
    return () => {
      stop();
      for (const forget of [...pending.values()]) forget();
    };
  },
};
