/** A libuv stream or handle object of Node's (TCP, Pipe, TTY, UDP): `fd` is -1 while it has no socket. */
export interface UvHandle {
  readonly fd?: number;
  onread?: unknown;
}

/**
 * Node's libuv stream classes as the fs/net tracing needs them. TCP, Pipe
 * (Unix sockets, pipes) and TTY handles share one prototype, LibuvStreamWrap,
 * whose methods every net.Socket write goes through (writeBuffer, writev,
 * write<Encoding>String) and whose `onread` a socket's reads arrive at, with
 * the byte count in streamBaseState; its prototype, HandleWrap, has close().
 */
export interface StreamBinding {
  /** TCP.prototype (connect, connect6). */
  readonly tcp: Record<string, unknown>;
  /** Pipe.prototype (connect), or null. */
  readonly pipe: Record<string, unknown> | null;
  /** LibuvStreamWrap.prototype. */
  readonly stream: Record<string, unknown>;
  /** HandleWrap.prototype. */
  readonly handle: Record<string, unknown>;
  /** stream_wrap's streamBaseState: what the last read or write call left there. */
  readonly state: Int32Array;
  readonly kReadBytesOrError: number;
  readonly kBytesWritten: number;
  readonly kLastWriteWasAsync: number;
}

/** process.binding(name), or null when this Node has no such binding (or refuses it). */
function binding(name: string): Record<string, unknown> | null {
  try {
    const b = (process as unknown as { binding(name: string): unknown }).binding(name);
    return b !== null && typeof b === 'object' ? b as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

const protoOf = (ctor: unknown): Record<string, unknown> | null =>
  typeof ctor === 'function' && typeof (ctor as { prototype?: unknown }).prototype === 'object' ? (ctor as { prototype: Record<string, unknown> }).prototype : null;

let cached: StreamBinding | null | undefined;

/** The stream classes of this Node, or null when they are not where Node 20 keeps them (then sockets are not traced). */
export function streamBinding(): StreamBinding | null {
  if (cached !== undefined) return cached;
  cached = null;
  const tcp = protoOf(binding('tcp_wrap')?.TCP);
  const wrap = binding('stream_wrap');
  if (!tcp || !wrap) return null;
  const stream = Object.getPrototypeOf(tcp) as Record<string, unknown> | null;
  const handle = stream && Object.getPrototypeOf(stream) as Record<string, unknown> | null;
  const state = wrap.streamBaseState;
  const k = (name: string): number => (typeof wrap[name] === 'number' ? wrap[name] as number : -1);
  if (!stream || !handle || !(state instanceof Int32Array) || typeof stream.readStart !== 'function') return null;
  const kReadBytesOrError = k('kReadBytesOrError');
  const kBytesWritten = k('kBytesWritten');
  const kLastWriteWasAsync = k('kLastWriteWasAsync');
  if ([kReadBytesOrError, kBytesWritten, kLastWriteWasAsync].some((i) => i < 0 || i >= state.length)) return null;
  cached = { tcp, pipe: protoOf(binding('pipe_wrap')?.Pipe), stream, handle, state, kReadBytesOrError, kBytesWritten, kLastWriteWasAsync };
  return cached;
}

/** The methods of `proto` among `names` that this Node has. */
export function methodsOf(proto: Record<string, unknown>, names: readonly string[]): string[] {
  return names.filter((n) => typeof proto[n] === 'function');
}
