import type { HeaderSpec } from '../ctx/c-header.js';
import type { StructDef } from '../ctx/layout.js';
import { CHILD_ARGS_LEN, CHILD_FILE_LEN } from './child-process.js';
import { HTTP_HOST_LEN, HTTP_METHOD_LEN, HTTP_URL_LEN } from './http-server.js';
import { NODE_TRACEPOINTS } from './node-table.js';
import { UNDICI_ERROR_LEN } from './undici.js';

const structs: StructDef[] = [];
for (const d of NODE_TRACEPOINTS) if (!structs.includes(d.struct)) structs.push(d.struct);

/** include/tsbpf/node_tracepoints.h: the contexts of every `tracepoint/node/<name>`. */
export const NODE_TRACEPOINTS_HEADER: HeaderSpec = {
  file: 'node_tracepoints.h',
  title: 'Contexts of tsbpf\'s Node.js tracepoints: SEC("tracepoint/node/<name>") programs get a pointer to one.',
  structs,
  defines: [
    ['TSBPF_HTTP_METHOD_LEN', String(HTTP_METHOD_LEN)],
    ['TSBPF_HTTP_URL_LEN', String(HTTP_URL_LEN), 'url and path fields hold at most this minus 1 bytes'],
    ['TSBPF_HTTP_HOST_LEN', String(HTTP_HOST_LEN)],
    ['TSBPF_CHILD_FILE_LEN', String(CHILD_FILE_LEN)],
    ['TSBPF_CHILD_ARGS_LEN', String(CHILD_ARGS_LEN)],
    ['TSBPF_UNDICI_ERROR_LEN', String(UNDICI_ERROR_LEN)],
    ...NODE_TRACEPOINTS.map((d): [string, string, string] => [`TSBPF_TP_${d.name.toUpperCase()}`, String(d.id), `${d.doc} (${d.struct.name})`]),
  ],
};
