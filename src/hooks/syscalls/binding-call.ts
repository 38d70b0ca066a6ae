/**
 * Runs a call into one of Node's internal bindings and reports how it
 * ended, however the binding reports it: synchronously (a return value or
 * a thrown error with errno, or an errno left in a ctx object), through
 * the request object's oncomplete callback, or through a promise.
 * `done(errno, result)` gets errno < 0 on failure, null on success.
 */
export type BindingDone = (errno: number | null, result: unknown) => void;

type AnyFunction = (...args: unknown[]) => unknown;

const EIO = 5;

/** The -errno of a binding's error (-EIO when it has none). */
export const errnoOf = (err: unknown): number => {
  const n = (err as { errno?: unknown } | null)?.errno;
  return typeof n === 'number' && n < 0 ? n : -EIO;
};

export function callBinding(original: AnyFunction, self: unknown, args: unknown[], reqIndex: number, kUsePromises: unknown, report: BindingDone): unknown {
  const done: BindingDone = (errno, result) => {
    try { report(errno, result); } catch { /* tracing never breaks the call it traces */ }
  };
  const req = args[reqIndex] as { oncomplete?: AnyFunction } | undefined;
  if (req !== undefined && req !== null && typeof req === 'object' && typeof req.oncomplete === 'function') {
    const oncomplete = req.oncomplete;
    req.oncomplete = function (this: unknown, err: unknown, ...rest: unknown[]): unknown {
      req.oncomplete = oncomplete;
      done(err ? errnoOf(err) : null, rest[0]);
      return Reflect.apply(oncomplete, this, [err, ...rest]);
    };
    return Reflect.apply(original, self, args);
  }
  let result: unknown;
  try {
    result = Reflect.apply(original, self, args);
  } catch (err) {
    done(errnoOf(err), undefined);
    throw err;
  }
  if (req !== undefined && req === kUsePromises && result instanceof Promise) {
    result.then((v) => done(null, v), (e) => done(errnoOf(e), undefined));
    return result;
  }
  // Older bindings leave a sync error in a trailing `ctx` object instead of throwing.
  const ctx = args[args.length - 1] as { errno?: unknown } | undefined;
  if (ctx && typeof ctx === 'object' && typeof ctx.errno === 'number') {
    done(ctx.errno < 0 ? ctx.errno : -ctx.errno, undefined);
    return result;
  }
  done(null, result);
  return result;
}
