import Module from 'node:module';

/**
 * Calls back when a CommonJS module finishes loading, by wrapping
 * Module._load while anyone watches (and only then): the way to probe an
 * export of a module the application has not required yet.
 */
type Loaded = (filename: string, module: NodeJS.Module) => void;

interface ModuleStatics {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _cache: Record<string, NodeJS.Module | undefined>;
}

const statics = Module as unknown as ModuleStatics;
const watchers = new Map<string, Set<Loaded>>();
let originalLoad: ModuleStatics['_load'] | null = null;
let ourLoad: ModuleStatics['_load'] | null = null;

/** The loaded CommonJS module of an absolute file name, if any. */
export function loadedCjsModule(filename: string): NodeJS.Module | undefined {
  const m = statics._cache[filename];
  return m && m.loaded ? m : undefined;
}

/** Calls `loaded` once when `filename` has been loaded; returns the function that stops watching. */
export function watchCjsLoad(filename: string, loaded: Loaded): () => void {
  let set = watchers.get(filename);
  if (!set) watchers.set(filename, (set = new Set()));
  set.add(loaded);
  if (!originalLoad || statics._load !== ourLoad) {
    const original = statics._load;
    originalLoad = original;
    ourLoad = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
      const exports = original.call(this, request, parent, isMain);
      // A probe may have replaced module.exports itself: hand out the wrapper then.
      return watchers.size > 0 ? notify(exports) : exports;
    };
    statics._load = ourLoad;
  }
  return () => unwatch(filename, loaded);
}

function notify(exports: unknown): unknown {
  let result = exports;
  for (const [filename, set] of [...watchers]) {
    const m = loadedCjsModule(filename);
    if (!m) continue;
    watchers.delete(filename);
    const before = m.exports;
    for (const l of set) l(filename, m);
    if (exports === before) result = m.exports;
  }
  if (watchers.size === 0) restore();
  return result;
}

function unwatch(filename: string, loaded: Loaded): void {
  const set = watchers.get(filename);
  if (!set) return;
  set.delete(loaded);
  if (set.size === 0) watchers.delete(filename);
  if (watchers.size === 0) restore();
}

function restore(): void {
  // Someone wrapped _load after us: leave the chain alone (ours passes through when nobody watches).
  if (originalLoad && statics._load === ourLoad) {
    statics._load = originalLoad;
    originalLoad = null;
    ourLoad = null;
  }
}
