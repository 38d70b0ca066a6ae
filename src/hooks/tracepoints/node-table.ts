import { childProcess } from './child-process.js';
import { httpClientRequest, httpClientResponse } from './http-client.js';
import { httpServerRequest, httpServerResponse } from './http-server.js';
import { netClientSocket, netServerSocket } from './net-socket.js';
import { NodeTracepoint } from './node-tracepoint.js';
import type { NodeTracepointDef } from './node-tracepoint-def.js';
import { udpSocket } from './udp-socket.js';
import { undiciRequestCreate, undiciRequestError, undiciRequestHeaders } from './undici.js';
import { workerThreads } from './worker-thread.js';

/** Every `tracepoint/node/<name>` tsbpf has, in id order. */
export const NODE_TRACEPOINTS: readonly NodeTracepointDef[] = [
  httpServerRequest, httpServerResponse, httpClientRequest, httpClientResponse,
  netServerSocket, netClientSocket, udpSocket, childProcess, workerThreads,
  undiciRequestCreate, undiciRequestHeaders, undiciRequestError,
];

const hooks = new Map<string, NodeTracepoint>();

/** The hook of `tracepoint/node/<name>` (one per process), or undefined for an unknown name. */
export function nodeTracepoint(name: string): NodeTracepoint | undefined {
  let hook = hooks.get(name);
  if (!hook) {
    const def = NODE_TRACEPOINTS.find((d) => d.name === name);
    if (!def) return undefined;
    hooks.set(name, (hook = new NodeTracepoint(def)));
  }
  return hook;
}
