type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Node's internal fs binding (what `fs`, `fs/promises` and streams call for
 * every open, read, write and close), reached through process.binding,
 * which hands out the very object Node's own modules use. Patching it sees
 * each system call's real arguments and results, whichever API made it.
 */
export interface FsBinding {
  open?: AnyFunction;
  openFileHandle?: AnyFunction;
  read?: AnyFunction;
  readBuffers?: AnyFunction;
  writeBuffer?: AnyFunction;
  writeBuffers?: AnyFunction;
  writeString?: AnyFunction;
  close?: AnyFunction;
  readFileUtf8?: AnyFunction;
  writeFileUtf8?: AnyFunction;
  kUsePromises?: symbol;
  [name: string]: unknown;
}

let binding: FsBinding | null = null;

export function fsBinding(): FsBinding {
  if (!binding) {
    const get = (process as unknown as { binding(name: string): unknown }).binding;
    binding = get.call(process, 'fs') as FsBinding;
  }
  return binding;
}
