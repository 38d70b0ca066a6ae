import type { Worker } from 'node:worker_threads';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';
import { COMMON_FIELDS } from './common.js';
import { onChannel, type NodeTracepointDef } from './node-tracepoint-def.js';

export const WORKER_THREAD: StructDef = {
  name: 'tsbpf_worker_thread',
  doc: 'tracepoint/node/worker_threads: a worker thread was created (worker_threads)',
  fields: [
    ...COMMON_FIELDS,
    { name: 'worker_tid', type: '__u32', doc: 'the new worker\'s threadId' },
    { name: 'pad', type: '__u32' },
  ],
};

const at = { tid: fieldOffset(layoutOf(WORKER_THREAD), 'worker_tid') };

export const workerThreads: NodeTracepointDef = {
  name: 'worker_threads',
  id: 1009,
  channel: 'worker_threads',
  doc: 'a Worker has been created',
  struct: WORKER_THREAD,
  install: onChannel('worker_threads', (img, message) => {
    const { worker } = message as { worker: Worker };
    img.u32(at.tid, worker.threadId);
  }),
};
