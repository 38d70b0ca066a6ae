import type { CtxImage } from '../ctx/image.js';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';
import { COMMON_FIELDS, IPPROTO_TCP, SOCKET_FIELDS, socketOffsets, writeSocket } from './common.js';
import type { NodeTracepointDef } from './node-tracepoint-def.js';
import { serverStamps, type ServerMessage } from './http-server-stamps.js';
import { nextObjectId } from './object-ids.js';

export const HTTP_METHOD_LEN = 16;
export const HTTP_URL_LEN = 128;
export const HTTP_HOST_LEN = 64;

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

export const httpServerRequest: NodeTracepointDef = {
  name: 'http_server_request',
  id: 1001,
  channel: 'http.server.request.start',
  doc: 'an HTTP server has parsed a request\'s headers, before the request handler runs',
  struct: HTTP_SERVER_REQUEST,
  install: (emit) => serverStamps.acquire({ start: (message) => emit(fillRequest, message) }),
};

export const httpServerResponse: NodeTracepointDef = {
  name: 'http_server_response',
  id: 1002,
  channel: 'http.server.response.finish',
  doc: 'an HTTP server has sent the last byte of a response',
  struct: HTTP_SERVER_RESPONSE,
  install: (emit) => serverStamps.acquire({ finish: (message) => emit(fillResponse, message) }),
};

/** http_server_request's context, from the start message (after the stamps). */
function fillRequest(img: CtxImage, message: unknown): void {
  const request = (message as ServerMessage).request;
  img.u64(reqAt.reqId, serverStamps.startId);
  writeSocket(img, reqAt.sock, request.socket, IPPROTO_TCP, serverStamps.startConn);
  img.u8(reqAt.major, request.httpVersionMajor);
  img.u8(reqAt.minor, request.httpVersionMinor);
  // Strings (and the headers object Node builds on first use) only where a program reads them.
  if (img.reads(reqAt.method, HTTP_METHOD_LEN)) img.str(reqAt.method, HTTP_METHOD_LEN, request.method ?? '');
  img.strWithLength(reqAt.urlLen, reqAt.url, HTTP_URL_LEN, request.url ?? '');
  if (img.reads(reqAt.host, HTTP_HOST_LEN)) img.str(reqAt.host, HTTP_HOST_LEN, request.headers.host ?? '');
}

/** http_server_response's context, from the finish message (after the stamps). */
function fillResponse(img: CtxImage, message: unknown, now: bigint): void {
  const { request, response } = message as ServerMessage;
  // A request that started before the tracepoint was attached has no stamp: a new id, no duration.
  const q = serverStamps.ended;
  if (q === undefined) {
    img.u64(resAt.reqId, nextObjectId());
  } else {
    img.u64(resAt.reqId, q.endedId);
    const start = q.endedStartNs;
    if (start < now) img.bigU64(resAt.duration, now - start);
  }
  writeSocket(img, resAt.sock, request.socket, IPPROTO_TCP, serverStamps.endConn);
  img.u16(resAt.status, response.statusCode);
  if (img.reads(resAt.method, HTTP_METHOD_LEN)) img.str(resAt.method, HTTP_METHOD_LEN, request.method ?? '');
  img.strWithLength(resAt.urlLen, resAt.url, HTTP_URL_LEN, request.url ?? '');
}
