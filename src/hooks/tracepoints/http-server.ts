import type { IncomingMessage, ServerResponse } from 'node:http';
import { monotonicNowNs } from '../../helpers/clock.js';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';
import { COMMON_FIELDS, IPPROTO_TCP, SOCKET_FIELDS, socketOffsets, writeSocket } from './common.js';
import { connectionState, type ConnectionState } from './connection-state.js';
import type { NodeTracepointDef } from './node-tracepoint-def.js';
import { onChannel, subscribe } from './node-tracepoint-def.js';
import { nextObjectId } from './object-ids.js';
import { RequestStamps } from './request-stamps.js';

export const HTTP_METHOD_LEN = 16;
export const HTTP_URL_LEN = 128;
export const HTTP_HOST_LEN = 64;

interface ServerMessage {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly socket?: object;
}

/** The state of the connection a request came on: the message's socket (Node's http server sends it), else the request's. */
const connectionOf = (m: ServerMessage): ConnectionState => connectionState(m.socket ?? m.request.socket ?? m.request);

export const HTTP_SERVER_REQUEST: StructDef = {
  name: 'tsbpf_http_server_request',
  doc: 'tracepoint/node/http_server_request: an HTTP server received a request (http.server.request.start)',
  fields: [
    ...COMMON_FIELDS,
    { name: 'req_id', type: '__u64', doc: 'the request, the same in http_server_response' },
    ...SOCKET_FIELDS,
    { name: 'http_major', type: '__u8' },
    { name: 'http_minor', type: '__u8' },
    { name: 'url_len', type: '__u16', doc: 'length of the whole URL (url holds at most TSBPF_HTTP_URL_LEN - 1 bytes)' },
    { name: 'method', type: 'char', count: HTTP_METHOD_LEN },
    { name: 'url', type: 'char', count: HTTP_URL_LEN, doc: 'path and query, as in the request line' },
    { name: 'host', type: 'char', count: HTTP_HOST_LEN, doc: 'the Host header' },
  ],
};

export const HTTP_SERVER_RESPONSE: StructDef = {
  name: 'tsbpf_http_server_response',
  doc: 'tracepoint/node/http_server_response: an HTTP server finished a response (http.server.response.finish)',
  fields: [
    ...COMMON_FIELDS,
    { name: 'req_id', type: '__u64', doc: 'the request, as in http_server_request' },
    { name: 'duration_ns', type: '__u64', doc: 'from the request\'s start to the response\'s end (0 when unknown)' },
    ...SOCKET_FIELDS,
    { name: 'status', type: '__u16', doc: 'HTTP status code' },
    { name: 'url_len', type: '__u16' },
    { name: 'method', type: 'char', count: HTTP_METHOD_LEN },
    { name: 'url', type: 'char', count: HTTP_URL_LEN },
  ],
};

const req = layoutOf(HTTP_SERVER_REQUEST);
const reqAt = {
  reqId: fieldOffset(req, 'req_id'), sock: socketOffsets(req), major: fieldOffset(req, 'http_major'),
  minor: fieldOffset(req, 'http_minor'), urlLen: fieldOffset(req, 'url_len'), method: fieldOffset(req, 'method'),
  url: fieldOffset(req, 'url'), host: fieldOffset(req, 'host'),
};
const res = layoutOf(HTTP_SERVER_RESPONSE);
const resAt = {
  reqId: fieldOffset(res, 'req_id'), duration: fieldOffset(res, 'duration_ns'), sock: socketOffsets(res),
  status: fieldOffset(res, 'status'), urlLen: fieldOffset(res, 'url_len'), method: fieldOffset(res, 'method'),
  url: fieldOffset(res, 'url'),
};

/** The server's requests in flight: one id per request, the same in both tracepoints, and its start for durations. */
const requests = new RequestStamps();
const endRequest = (m: unknown): void => { requests.end((m as ServerMessage).request, connectionOf(m as ServerMessage)); };

export const httpServerRequest: NodeTracepointDef = {
  name: 'http_server_request',
  id: 1001,
  channel: 'http.server.request.start',
  doc: 'an HTTP server has parsed a request\'s headers, before the request handler runs',
  struct: HTTP_SERVER_REQUEST,
  install: (emit) => {
    const release = requests.acquire();
    const start = onChannel('http.server.request.start', (img, message, now) => {
      const m = message as ServerMessage;
      const request = m.request;
      const conn = connectionOf(m);
      img.u64(reqAt.reqId, requests.start(request, conn, now));
      writeSocket(img, reqAt.sock, request.socket, IPPROTO_TCP, conn);
      img.u8(reqAt.major, request.httpVersionMajor);
      img.u8(reqAt.minor, request.httpVersionMinor);
      img.str(reqAt.method, HTTP_METHOD_LEN, request.method ?? '');
      img.u16(reqAt.urlLen, Math.min(img.str(reqAt.url, HTTP_URL_LEN, request.url ?? ''), 0xffff));
      img.str(reqAt.host, HTTP_HOST_LEN, request.headers.host ?? '');
    })(emit);
    // Ends the request's stamp (it would otherwise wait in its connection's queue until the connection closes).
    const end = subscribe('http.server.response.finish', endRequest);
    return () => { start(); end(); release(); };
  },
};

export const httpServerResponse: NodeTracepointDef = {
  name: 'http_server_response',
  id: 1002,
  channel: 'http.server.response.finish',
  doc: 'an HTTP server has sent the last byte of a response',
  struct: HTTP_SERVER_RESPONSE,
  install: (emit) => {
    const release = requests.acquire();
    // Requests are stamped at their start, so that the response knows its duration.
    const stamp = subscribe('http.server.request.start', (m) => {
      requests.start((m as ServerMessage).request, connectionOf(m as ServerMessage), monotonicNowNs());
    });
    const finish = onChannel('http.server.response.finish', (img, message, now) => {
      const m = message as ServerMessage;
      const { request, response } = m;
      const conn = connectionOf(m);
      // A request that started before the tracepoint was attached has no stamp: a new id, no duration.
      const q = requests.end(request, conn);
      if (q === undefined) {
        img.u64(resAt.reqId, nextObjectId());
      } else {
        img.u64(resAt.reqId, q.endedId);
        const start = q.endedStartNs;
        if (start < now) img.bigU64(resAt.duration, now - start);
      }
      writeSocket(img, resAt.sock, request.socket, IPPROTO_TCP, conn);
      img.u16(resAt.status, response.statusCode);
      img.str(resAt.method, HTTP_METHOD_LEN, request.method ?? '');
      img.u16(resAt.urlLen, Math.min(img.str(resAt.url, HTTP_URL_LEN, request.url ?? ''), 0xffff));
    })(emit);
    return () => { finish(); stamp(); release(); };
  },
};
