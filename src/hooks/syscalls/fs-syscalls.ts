import fs from 'node:fs';
import { callBinding, errnoOf } from './binding-call.js';
import { fsBinding, type FsBinding } from './fs-binding.js';
import { patchProperty } from '../uprobes/patch-property.js';
import type { SyscallPair } from './syscall-pair.js';
import type { SyscallArg } from './syscall-tracepoint.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** libuv opens every file with O_CLOEXEC; the kernel sees it in openat's flags. */
const O_CLOEXEC = 0o2000000;
/** openat's dfd for paths relative to the working directory. */
const AT_FDCWD = -100;
const READ_CHUNK = 64 * 1024;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** A path argument as user memory: a NUL-terminated string. */
function pathArg(path: unknown): SyscallArg {
  if (typeof path === 'string') return { string: path };
  if (path instanceof Uint8Array) {
    const z = new Uint8Array(path.length + 1);
    z.set(path);
    return { bytes: z };
  }
  return { string: String(path) };
}

/** Replaces `binding[name]` while installed (when this Node has it); returns the undo. */
function patch(b: FsBinding, name: string, wrap: (original: AnyFunction) => AnyFunction): () => void {
  if (typeof b[name] !== 'function') return () => {};
  return patchProperty(b, name, `fs binding ${name}`, wrap);
}

const undoAll = (undos: Array<() => void>) => (): void => { for (const u of undos.reverse()) u(); };

/** sys_enter_openat / sys_exit_openat: every file Node opens. */
export function installOpenat(pair: SyscallPair): () => void {
  const b = fsBinding();
  const { enter, exit } = pair;
  const openEvent = (path: unknown, flags: unknown, mode: unknown): void => {
    if (enter.active) enter.fireEnter(() => [AT_FDCWD, pathArg(path), (num(flags) | O_CLOEXEC) >>> 0, num(mode)]);
  };
  const opener = (fdOf: (result: unknown) => number) => (original: AnyFunction): AnyFunction => function (this: unknown, ...args: unknown[]) {
    openEvent(args[0], args[1], args[2]);
    if (!exit.active) return Reflect.apply(original, this, args);
    return callBinding(original, this, args, 3, b.kUsePromises, (errno, result) => exit.fireExit(errno ?? fdOf(result)));
  };
  const undos = [
    patch(b, 'open', opener((fd) => num(fd))),
    patch(b, 'openFileHandle', opener((handle) => num((handle as { fd?: unknown } | undefined)?.fd))),
    // readFileSync(path, 'utf8') and writeFileSync(path, string) open, read or write and close inside C++,
    // where the descriptor never reaches JavaScript: while traced, they run on the binding's primitives.
    patch(b, 'readFileUtf8', (original) => function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'number') return Reflect.apply(original, this, args);
      return readFileUtf8(args[0], num(args[1]));
    }),
    patch(b, 'writeFileUtf8', (original) => function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'number') return Reflect.apply(original, this, args);
      return writeFileUtf8(args[0], String(args[1]), num(args[2]), num(args[3]));
    }),
  ];
  return undoAll(undos);
}

// Through the public fs functions, which call the binding with the argument conventions
// this Node version expects (a wrong argument count aborts the process).
function readFileUtf8(path: unknown, flags: number): string {
  const fd = fs.openSync(path as string, flags);
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      const n = fs.readSync(fd, chunk, 0, READ_CHUNK, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function writeFileUtf8(path: unknown, data: string, flags: number, mode: number): undefined {
  const fd = fs.openSync(path as string, flags, mode);
  try {
    const bytes = Buffer.from(data, 'utf8');
    for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off, null);
  } finally {
    fs.closeSync(fd);
  }
  return undefined;
}

/** sys_enter_read / sys_exit_read: reads of files (the buffer is not filled yet at entry: args[1] is 0). */
export function installRead(pair: SyscallPair): () => void {
  const b = fsBinding();
  const { enter, exit } = pair;
  const reader = (reqIndex: number, count: (args: unknown[]) => number) => (original: AnyFunction): AnyFunction => function (this: unknown, ...args: unknown[]) {
    if (enter.active) enter.fireEnter(() => [num(args[0]), 0, count(args)]);
    if (!exit.active) return Reflect.apply(original, this, args);
    return callBinding(original, this, args, reqIndex, b.kUsePromises, (errno, n) => exit.fireExit(errno ?? num(n)));
  };
  return undoAll([
    patch(b, 'read', reader(5, (a) => num(a[3]))),
    patch(b, 'readBuffers', reader(3, (a) => (a[1] as ArrayBufferView[]).reduce((s, v) => s + v.byteLength, 0))),
  ]);
}

/** sys_enter_write / sys_exit_write: writes to files, with the data written in user memory. */
export function installWrite(pair: SyscallPair): () => void {
  const b = fsBinding();
  const { enter, exit } = pair;
  const writer = (reqIndex: number, data: (args: unknown[]) => Uint8Array, count: (args: unknown[]) => number) => (original: AnyFunction): AnyFunction => function (this: unknown, ...args: unknown[]) {
    if (enter.active) enter.fireEnter(() => [num(args[0]), { bytes: data(args) }, count(args)]);
    if (!exit.active) return Reflect.apply(original, this, args);
    return callBinding(original, this, args, reqIndex, b.kUsePromises, (errno, n) => exit.fireExit(errno ?? num(n)));
  };
  const view = (v: unknown): Uint8Array => {
    const x = v as ArrayBufferView;
    return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  };
  return undoAll([
    patch(b, 'writeBuffer', writer(5, (a) => view(a[1]).subarray(num(a[2]), num(a[2]) + num(a[3])), (a) => num(a[3]))),
    patch(b, 'writeString', writer(4, (a) => Buffer.from(String(a[1]), (a[3] as BufferEncoding | undefined) ?? 'utf8'),
      (a) => Buffer.byteLength(String(a[1]), (a[3] as BufferEncoding | undefined) ?? 'utf8'))),
    patch(b, 'writeBuffers', writer(3, (a) => view((a[1] as unknown[])[0] ?? new Uint8Array(0)),
      (a) => (a[1] as ArrayBufferView[]).reduce((s, v) => s + v.byteLength, 0))),
  ]);
}

/** sys_enter_close / sys_exit_close: closes of files by fs (fs.close, fs.closeSync) and by fs/promises (FileHandle.close()). */
export function installClose(pair: SyscallPair): () => void {
  const b = fsBinding();
  const { enter, exit } = pair;
  const undos = [patch(b, 'close', (original) => function (this: unknown, ...args: unknown[]) {
    if (enter.active) enter.fireEnter(() => [num(args[0])]);
    if (!exit.active) return Reflect.apply(original, this, args);
    return callBinding(original, this, args, 1, b.kUsePromises, (errno) => exit.fireExit(errno ?? 0));
  })];
  const fileHandle = (b.FileHandle as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  if (fileHandle && typeof fileHandle.close === 'function') {
    undos.push(patchProperty(fileHandle, 'close', 'fs binding FileHandle close', (original) => function (this: { fd?: unknown }, ...args: unknown[]) {
      // The descriptor before it is gone (-1 afterwards); a second close() of a handle closes nothing.
      const fd = num(this.fd);
      if (fd < 0) return Reflect.apply(original, this, args);
      if (enter.active) enter.fireEnter(() => [fd]);
      const result = Reflect.apply(original, this, args);
      if (exit.active && result instanceof Promise) {
        result.then(() => exit.fireExit(0), (err: unknown) => exit.fireExit(errnoOf(err)));
      }
      return result;
    }));
  }
  return undoAll(undos);
}
