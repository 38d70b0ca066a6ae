import { createRequire } from 'node:module';
import { patchProperty } from '../uprobes/patch-property.js';
import { activeHandleOwners, handleOf } from './active-handles.js';
import type { UvHandle } from './stream-binding.js';
import { fireRead } from './stream-reads.js';
import type { SyscallPair } from './syscall-pair.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** The buffer the HTTP parser lends libuv for each read (node_http_parser.cc's kAllocBufferSize). */
const HTTP_PARSER_READ_SIZE = 64 * 1024;

const HANDLE = Symbol('tsbpf: the handle the parser consumes');
const VALUE = Symbol('tsbpf: the parser\'s onExecute callback');
const TRACED = Symbol('tsbpf: that callback, traced');

interface Parser {
  [index: number]: unknown;
  [HANDLE]?: UvHandle;
  [VALUE]?: unknown;
  [TRACED]?: AnyFunction;
  incoming?: { upgrade?: boolean } | null;
  getCurrentBuffer?: () => Uint8Array;
}

interface HttpParserClass {
  readonly prototype: Record<string, unknown>;
  readonly kOnExecute: number;
}

/** HTTPParser as http's own modules have it (without process.binding('http_parser'), which warns), or null. */
function httpParserClass(): HttpParserClass | null {
  try {
    const common = createRequire(import.meta.url)('_http_common') as { HTTPParser?: Partial<HttpParserClass> };
    const P = common.HTTPParser;
    if (!P || typeof P.kOnExecute !== 'number' || typeof P.prototype?.consume !== 'function') return null;
    return P as HttpParserClass;
  } catch {
    return null;
  }
}

let tracing: SyscallPair | null = null;
let kOnExecute = -1;

/** Back to an ordinary data property holding `value`: the parser as http made it. */
function untrace(parser: Parser, value: unknown): unknown {
  Object.defineProperty(parser, kOnExecute, { value, writable: true, enumerable: true, configurable: true });
  delete parser[HANDLE];
  delete parser[VALUE];
  delete parser[TRACED];
  return value;
}

/** The parser's callback after each read it parsed (ret: the bytes parsed, or a parse error), reporting the read first. */
function traced(onExecute: AnyFunction): AnyFunction {
  return function (this: Parser, ...args: unknown[]): unknown {
    const pair = tracing;
    if (pair !== null) {
      try {
        const ret = args[0];
        // The bytes parsed are the bytes read, but for an upgrade (the rest belongs to the new protocol) or a parse error.
        const nread = typeof ret === 'number' && !this.incoming?.upgrade ? ret : this.getCurrentBuffer?.().length ?? 0;
        fireRead(pair, this[HANDLE]?.fd ?? -1, HTTP_PARSER_READ_SIZE, nread);
      } catch { /* tracing never breaks the request it traces */ }
    }
    return Reflect.apply(onExecute, this, args);
  };
}

/** parser[kOnExecute] while traced: an accessor that hands the C++ parser the traced callback. */
const onExecuteAccessor: PropertyDescriptor = {
  get(this: Parser): unknown {
    if (tracing === null) return untrace(this, this[VALUE]);
    const value = this[VALUE];
    if (typeof value !== 'function') return value;
    return (this[TRACED] ??= traced(value as AnyFunction));
  },
  set(this: Parser, value: unknown): void {
    if (tracing === null) {
      untrace(this, value);
      return;
    }
    this[VALUE] = value;
    this[TRACED] = undefined;
  },
  enumerable: true,
  configurable: true,
};

function traceParser(parser: Parser, handle: unknown): void {
  const own = Object.getOwnPropertyDescriptor(parser, kOnExecute);
  if (own && !('value' in own) && own.get !== onExecuteAccessor.get) return;
  parser[HANDLE] = handle as UvHandle;
  if (own?.get === onExecuteAccessor.get) return;
  parser[VALUE] = own?.value;
  parser[TRACED] = undefined;
  Object.defineProperty(parser, kOnExecute, onExecuteAccessor);
}

/**
 * sys_enter_read / sys_exit_read for HTTP servers' sockets: http.Server
 * hands each connection's handle to its C++ parser (parser.consume()), so
 * request bytes never pass the handle's JavaScript onread; the parser calls
 * its kOnExecute callback after each read instead. Each parser that
 * consumes a socket while traced (and each one consuming when tracing
 * starts) gets that property as an accessor handing out a traced callback;
 * once tracing stops, each turns back into a plain property at its next
 * use. End of file and errors still reach onread (stream-reads.ts). No-op
 * on a Node without these internals.
 */
export function installHttpParserReads(pair: SyscallPair): () => void {
  const P = httpParserClass();
  if (!P) return () => {};
  kOnExecute = P.kOnExecute;
  tracing = pair;
  const undo = patchProperty(P.prototype, 'consume', 'HTTPParser consume', (original) => function (this: Parser, ...args: unknown[]) {
    const result = Reflect.apply(original, this, args);
    if (tracing !== null) {
      try { traceParser(this, args[0]); } catch { /* not traced, still parsed */ }
    }
    return result;
  });
  // Connections open now: the parser of each server socket http consumes.
  for (const owner of activeHandleOwners()) {
    const parser = (owner as { parser?: Parser & { _consumed?: boolean } } | null)?.parser;
    const handle = handleOf(owner);
    if (parser && parser._consumed === true && handle) {
      try { traceParser(parser, handle); } catch { /* not traced, still parsed */ }
    }
  }
  return () => {
    tracing = null;
    undo();
  };
}
