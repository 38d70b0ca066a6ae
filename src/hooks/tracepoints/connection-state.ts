import type { SocketBlock } from './common.js';
import type { QueueHolder, RequestQueue } from './request-stamps.js';

/**
 * What tsbpf keeps for one connection (a net.Socket, or a request without
 * one): its socket fields as a record embeds them, and its HTTP requests
 * in flight. Kept beside the socket in one WeakMap, never on it (a
 * property on Node's sockets slows Node's own code down, see
 * object-ids.ts), so that an event looks its connection up once.
 */
export interface ConnectionState extends QueueHolder {
  block: SocketBlock | undefined;
  requests: RequestQueue | undefined;
}

const states = new WeakMap<object, ConnectionState>();

/** The connection's state, made on first use. */
export function connectionState(connection: object): ConnectionState {
  let s = states.get(connection);
  if (s === undefined) states.set(connection, (s = { block: undefined, requests: undefined }));
  return s;
}
