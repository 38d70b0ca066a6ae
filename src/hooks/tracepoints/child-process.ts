import type { ChildProcess } from 'node:child_process';
import { fieldOffset, layoutOf, type StructDef } from '../ctx/layout.js';
import { COMMON_FIELDS } from './common.js';
import { subscribe, type NodeTracepointDef } from './node-tracepoint-def.js';

export const CHILD_FILE_LEN = 64;
export const CHILD_ARGS_LEN = 128;

export const CHILD_PROCESS: StructDef = {
  name: 'tsbpf_child_process',
  doc: 'tracepoint/node/child_process: a child process was spawned (child_process, then its spawn event)',
  fields: [
    ...COMMON_FIELDS,
    { name: 'child_pid', type: '__u32', doc: 'the new process\'s pid' },
    { name: 'argc', type: '__u32' },
    { name: 'file', type: 'char', count: CHILD_FILE_LEN, doc: 'the program run' },
    { name: 'args', type: 'char', count: CHILD_ARGS_LEN, doc: 'argv joined by spaces' },
  ],
};

const layout = layoutOf(CHILD_PROCESS);
const at = { pid: fieldOffset(layout, 'child_pid'), argc: fieldOffset(layout, 'argc'), file: fieldOffset(layout, 'file'), args: fieldOffset(layout, 'args') };

export const childProcess: NodeTracepointDef = {
  name: 'child_process',
  id: 1008,
  channel: 'child_process',
  doc: 'a child process (ChildProcess: spawn, exec, fork) has started',
  struct: CHILD_PROCESS,
  install: (emit) => {
    // The channel fires in ChildProcess's constructor, before spawn(): pid and argv come with 'spawn'.
    const pending = new Map<ChildProcess, () => void>();
    const stop = subscribe('child_process', (message) => {
      const { process: child } = message as { process: ChildProcess };
      const forget = (): void => {
        child.off('spawn', onSpawn);
        child.off('error', forget);
        pending.delete(child);
      };
      const onSpawn = (): void => {
        forget();
        emit((img) => {
          img.u32(at.pid, child.pid ?? 0);
          img.u32(at.argc, child.spawnargs.length);
          img.str(at.file, CHILD_FILE_LEN, child.spawnfile ?? '');
          img.str(at.args, CHILD_ARGS_LEN, child.spawnargs.join(' '));
        });
      };
      child.once('spawn', onSpawn);
      child.once('error', forget);
      pending.set(child, forget);
    });
    return () => {
      stop();
      for (const forget of [...pending.values()]) forget();
    };
  },
};
