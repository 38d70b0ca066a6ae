import { monotonicNowNs } from '../../helpers/clock.js';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';
import type { CtxImage } from '../ctx/image.js';
import { COMMON_FIELDS } from './common.js';
import { HTTP_HOST_LEN, HTTP_METHOD_LEN, HTTP_URL_LEN } from './http-server.js';
import { onChannel, subscribe, type CtxFill, type NodeTracepointDef } from './node-tracepoint-def.js';
import { knownStamp, stampOf } from './object-ids.js';

export const UNDICI_ERROR_LEN = 64;

/** The parts of undici's Request that its diagnostics channels document. */
interface UndiciRequest {
  readonly origin?: unknown;
  readonly method?: string;
  readonly path?: string;
}

export const UNDICI_REQUEST: StructDef = {
  name: 'tsbpf_undici_request',
  doc: 'tracepoint/node/undici_request_create, undici_request_headers, undici_request_error: fetch() and undici requests',
  fields: [
    ...COMMON_FIELDS,
    { name: 'req_id', type: '__u64', doc: 'the request, the same in all three tracepoints' },
    { name: 'duration_ns', type: '__u64', doc: 'headers and error: since the request was created' },
    { name: 'status', type: '__u16', doc: 'headers: the response status' },
    { name: 'path_len', type: '__u16' },
    { name: 'pad', type: '__u32' },
    { name: 'method', type: 'char', count: HTTP_METHOD_LEN },
    { name: 'origin', type: 'char', count: HTTP_HOST_LEN, doc: 'scheme, host and port' },
    { name: 'path', type: 'char', count: HTTP_URL_LEN },
    { name: 'error', type: 'char', count: UNDICI_ERROR_LEN, doc: 'error: the error\'s message' },
  ],
};

const layout = layoutOf(UNDICI_REQUEST);
const at = {
  reqId: fieldOffset(layout, 'req_id'), duration: fieldOffset(layout, 'duration_ns'), status: fieldOffset(layout, 'status'),
  pathLen: fieldOffset(layout, 'path_len'), method: fieldOffset(layout, 'method'), origin: fieldOffset(layout, 'origin'),
  path: fieldOffset(layout, 'path'), error: fieldOffset(layout, 'error'),
};

function writeRequest(img: CtxImage, request: UndiciRequest, now: bigint, withDuration: boolean): void {
  const s = (withDuration ? knownStamp(request) : undefined) ?? stampOf(request, now);
  img.u64(at.reqId, s.id);
  if (withDuration) img.u64(at.duration, s.startNs < now ? now - s.startNs : 0n);
  img.str(at.method, HTTP_METHOD_LEN, request.method ?? '');
  img.str(at.origin, HTTP_HOST_LEN, String(request.origin ?? ''));
  img.strWithLength(at.pathLen, at.path, HTTP_URL_LEN, request.path ?? '');
}

/** undici's later channels report durations from the request's creation: stamp it while they are attached. */
function withCreateStamp(channel: string, fill: CtxFill): NodeTracepointDef['install'] {
  return (emit) => {
    const stamp = subscribe('undici:request:create', (m) => {
      stampOf((m as { request: object }).request, monotonicNowNs());
    });
    const stop = onChannel(channel, fill)(emit);
    return () => { stop(); stamp(); };
  };
}

export const undiciRequestCreate: NodeTracepointDef = {
  name: 'undici_request_create',
  id: 1010,
  channel: 'undici:request:create',
  doc: 'undici (fetch) has created a request',
  struct: UNDICI_REQUEST,
  install: onChannel('undici:request:create', (img, message, now) => {
    writeRequest(img, (message as { request: UndiciRequest }).request, now, false);
  }),
};

export const undiciRequestHeaders: NodeTracepointDef = {
  name: 'undici_request_headers',
  id: 1011,
  channel: 'undici:request:headers',
  doc: 'undici (fetch) has received a response\'s headers',
  struct: UNDICI_REQUEST,
  install: withCreateStamp('undici:request:headers', (img, message, now) => {
    const m = message as { request: UndiciRequest; response: { statusCode?: number } };
    writeRequest(img, m.request, now, true);
    img.u16(at.status, m.response.statusCode ?? 0);
  }),
};

export const undiciRequestError: NodeTracepointDef = {
  name: 'undici_request_error',
  id: 1012,
  channel: 'undici:request:error',
  doc: 'an undici (fetch) request has failed',
  struct: UNDICI_REQUEST,
  install: withCreateStamp('undici:request:error', (img, message, now) => {
    const m = message as { request: UndiciRequest; error: unknown };
    writeRequest(img, m.request, now, true);
    img.str(at.error, UNDICI_ERROR_LEN, m.error instanceof Error ? m.error.message : String(m.error));
  }),
};
