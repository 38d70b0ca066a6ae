import type { SocketBlock } from './common.js';
import { RequestQueue } from './request-stamps.js';

/**
 * What tsbpf keeps for one connection (a net.Socket, or a request without
 * one): its HTTP requests in flight (it is their queue) and its socket
 * fields as a record embeds them. Kept beside the socket in one WeakMap,
 * never on it (a property on Node's sockets slows Node's own code down,
 * see object-ids.ts), so that an event looks its connection up once.
 */
export class ConnectionState extends RequestQueue {
  block: SocketBlock | undefined = undefined;
}

const states = new WeakMap<object, ConnectionState>();

/** The connection's state, made on first use. */
export function connectionState(connection: object): ConnectionState {
  let s = states.get(connection);
  if (s === undefined) states.set(connection, (s = new ConnectionState()));
  return s;
}
