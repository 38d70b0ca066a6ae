import { register } from 'node:module';
import { HookTargetError } from '../errors.js';
import { fileUrlOf, moduleExportSite, parseModuleTarget } from './module-site.js';

type AnyFunction = (...args: unknown[]) => unknown;

interface UprobeRegistry {
  wrapExport(filename: string, exportName: string, original: AnyFunction): AnyFunction;
}

const KEY = Symbol.for('tsbpf.uprobes');

function installRegistry(): void {
  const g = globalThis as unknown as Record<symbol, UprobeRegistry | undefined>;
  if (g[KEY]) return;
  g[KEY] = {
    wrapExport: (filename, exportName, original) => moduleExportSite(filename, exportName).bindEsm(original),
  };
}

/**
 * Registers tsbpf's ESM loader hooks for these uprobe targets
 * (`./lib/db.js:query`, as in section names), so that ES modules loaded from
 * now on have those exports probe-able. Call it before the module is first
 * imported (`tsbpf attach` does, in the child it starts). CommonJS modules
 * need nothing: their exports are patched in place.
 */
export function registerUprobeLoader(targets: readonly string[], baseDir = process.cwd()): void {
  installRegistry();
  const byFile = new Map<string, Set<string>>();
  for (const t of targets) {
    const { filename, exportPath } = parseModuleTarget(t, baseDir);
    if (exportPath.includes('.')) throw new HookTargetError(`uprobe target "${t}": ES modules can be probed on top-level exports only`);
    let set = byFile.get(filename);
    if (!set) byFile.set(filename, (set = new Set()));
    set.add(exportPath);
  }
  if (byFile.size === 0) return;
  const data = { targets: [...byFile].map(([filename, exports]) => ({ url: fileUrlOf(filename), filename, exports: [...exports] })) };
  register(hooksUrl(), { data });
}

/** The hooks module next to this one (.js once built, .ts when run through tsx). */
function hooksUrl(): string {
  const here = import.meta.url;
  return here.replace(/esm-registry\.(ts|js)$/, (_m, ext: string) => `esm-loader-hooks.${ext}`);
}
