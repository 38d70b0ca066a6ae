import type { ClientRequest, IncomingMessage } from 'node:http';
import { monotonicNowNs } from '../../helpers/clock.js';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';
import { COMMON_FIELDS, SOCKET_FIELDS, socketOffsets, writeSocket } from './common.js';
import { HTTP_HOST_LEN, HTTP_METHOD_LEN, HTTP_URL_LEN } from './http-server.js';
import type { CtxImage } from '../ctx/image.js';
import { onChannel, subscribe, type NodeTracepointDef } from './node-tracepoint-def.js';
import { knownStamp, stampOf } from './object-ids.js';

export const HTTP_CLIENT_REQUEST: StructDef = {
  name: 'tsbpf_http_client_request',
  doc: 'tracepoint/node/http_client_request: an HTTP client started a request (http.client.request.start)',
  fields: [
    ...COMMON_FIELDS,
    { name: 'req_id', type: '__u64', doc: 'the request, the same in http_client_response' },
    { name: 'port', type: '__u16', doc: 'server port (from the Host header, else the protocol\'s default)' },
    { name: 'tls', type: '__u8', doc: '1 for https:' },
    { name: 'pad', type: '__u8' },
    { name: 'path_len', type: '__u16' },
    { name: 'method', type: 'char', count: HTTP_METHOD_LEN },
    { name: 'host', type: 'char', count: HTTP_HOST_LEN, doc: 'server host name' },
    { name: 'path', type: 'char', count: HTTP_URL_LEN },
  ],
};

export const HTTP_CLIENT_RESPONSE: StructDef = {
  name: 'tsbpf_http_client_response',
  doc: 'tracepoint/node/http_client_response: an HTTP client received a whole response (http.client.response.finish)',
  fields: [
    ...COMMON_FIELDS,
    { name: 'req_id', type: '__u64', doc: 'the request, as in http_client_request' },
    { name: 'duration_ns', type: '__u64', doc: 'from the request\'s start to the response\'s end (0 when unknown)' },
    ...SOCKET_FIELDS,
    { name: 'status', type: '__u16' },
    { name: 'path_len', type: '__u16' },
    { name: 'method', type: 'char', count: HTTP_METHOD_LEN },
    { name: 'host', type: 'char', count: HTTP_HOST_LEN },
    { name: 'path', type: 'char', count: HTTP_URL_LEN },
  ],
};

interface ClientMessage {
  readonly request: ClientRequest;
  readonly response?: IncomingMessage;
}

const rq = layoutOf(HTTP_CLIENT_REQUEST);
const rqAt = {
  reqId: fieldOffset(rq, 'req_id'), port: fieldOffset(rq, 'port'), tls: fieldOffset(rq, 'tls'),
  pathLen: fieldOffset(rq, 'path_len'), method: fieldOffset(rq, 'method'), host: fieldOffset(rq, 'host'), path: fieldOffset(rq, 'path'),
};
const rs = layoutOf(HTTP_CLIENT_RESPONSE);
const rsAt = {
  reqId: fieldOffset(rs, 'req_id'), duration: fieldOffset(rs, 'duration_ns'), sock: socketOffsets(rs),
  status: fieldOffset(rs, 'status'), pathLen: fieldOffset(rs, 'path_len'), method: fieldOffset(rs, 'method'),
  host: fieldOffset(rs, 'host'), path: fieldOffset(rs, 'path'),
};

/** The port a client request goes to: the Host header's, else the protocol's default. */
function portOf(request: ClientRequest): number {
  const header = request.getHeader('host');
  const m = typeof header === 'string' ? /:(\d+)$/.exec(header) : null;
  if (m) return Number(m[1]);
  return request.protocol === 'https:' ? 443 : 80;
}

function writeRequestText(img: CtxImage, at: { method: number; host: number; path: number; pathLen: number }, request: ClientRequest): void {
  img.str(at.method, HTTP_METHOD_LEN, request.method);
  img.str(at.host, HTTP_HOST_LEN, request.host);
  img.strWithLength(at.pathLen, at.path, HTTP_URL_LEN, request.path);
}

export const httpClientRequest: NodeTracepointDef = {
  name: 'http_client_request',
  id: 1003,
  channel: 'http.client.request.start',
  doc: 'an HTTP client request (node:http) has been created and is about to be sent',
  struct: HTTP_CLIENT_REQUEST,
  install: onChannel('http.client.request.start', (img, message, now) => {
    const { request } = message as ClientMessage;
    img.u64(rqAt.reqId, stampOf(request, now).id);
    img.u16(rqAt.port, portOf(request));
    img.u8(rqAt.tls, request.protocol === 'https:' ? 1 : 0);
    writeRequestText(img, rqAt, request);
  }),
};

export const httpClientResponse: NodeTracepointDef = {
  name: 'http_client_response',
  id: 1004,
  channel: 'http.client.response.finish',
  doc: 'an HTTP client (node:http) has received the whole response',
  struct: HTTP_CLIENT_RESPONSE,
  install: (emit) => {
    const stamp = subscribe('http.client.request.start', (m) => {
      stampOf((m as ClientMessage).request, monotonicNowNs());
    });
    const finish = onChannel('http.client.response.finish', (img, message, now) => {
      const { request, response } = message as ClientMessage;
      const s = knownStamp(request) ?? stampOf(request, now);
      img.u64(rsAt.reqId, s.id);
      img.u64(rsAt.duration, s.startNs < now ? now - s.startNs : 0n);
      writeSocket(img, rsAt.sock, request.socket);
      img.u16(rsAt.status, response?.statusCode ?? 0);
      writeRequestText(img, rsAt, request);
    })(emit);
    return () => { finish(); stamp(); };
  },
};
