import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HookTargetError } from '../errors.js';
import { loadedCjsModule, watchCjsLoad } from './cjs-watch.js';
import { patchProperty } from './patch-property.js';
import { ProbeSite } from './probe-site.js';

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * An export of a module file, `uprobe/<path>:<export>`. `export` is a
 * property path (`query`, `db.query`); `default` on a CommonJS module whose
 * `module.exports` is a function means that function. CommonJS modules are
 * patched in `module.exports` (now, or when first required); ES modules
 * cannot be patched from outside, so tsbpf's ESM loader wraps the export
 * when the module is evaluated (registerUprobeLoader) and the wrapper stays,
 * passing calls straight through while nothing is attached.
 */
export class ModuleExportSite extends ProbeSite {
  private restore: (() => void) | null = null;
  private stopWatching: (() => void) | null = null;
  private esm = false;

  constructor(readonly filename: string, readonly exportPath: string, label: string) {
    super(label);
  }

  /** The wrapper for an ES module's export (called by the ESM loader's generated code). */
  bindEsm(original: AnyFunction): AnyFunction {
    this.esm = true;
    this.stopWatching?.();
    this.stopWatching = null;
    return this.wrap(original);
  }

  protected install(): void {
    if (this.esm) return;
    const m = loadedCjsModule(this.filename);
    if (m) {
      this.patch(m);
      return;
    }
    this.stopWatching = watchCjsLoad(this.filename, (_f, loaded) => {
      this.stopWatching = null;
      try {
        this.patch(loaded);
      } catch (err) {
        process.emitWarning(`cannot probe ${this.label}: ${(err as Error).message}`, 'TsbpfHookWarning');
      }
    });
  }

  protected uninstall(): void {
    this.stopWatching?.();
    this.stopWatching = null;
    const restore = this.restore;
    this.restore = null;
    restore?.();
  }

  private patch(m: NodeJS.Module): void {
    const parts = this.exportPath.split('.');
    let holder: object = m;
    let key = 'exports';
    const whole = parts.length === 1 && parts[0] === 'default' && typeof m.exports === 'function';
    if (!whole) {
      for (const p of parts) {
        const next = (holder as Record<string, unknown>)[key];
        if ((typeof next !== 'object' && typeof next !== 'function') || next === null) {
          throw new HookTargetError(`${this.label}: ${this.filename} has no export ${this.exportPath}`);
        }
        holder = next;
        key = p;
      }
    }
    this.restore = patchProperty(holder, key, this.label, (original) => this.wrap(original));
  }
}

const sites = new Map<string, ModuleExportSite>();

/** Splits `./lib/db.js:query` into an absolute file name and the export path. */
export function parseModuleTarget(target: string, baseDir = process.cwd()): { filename: string; exportPath: string } {
  const colon = target.lastIndexOf(':');
  if (colon <= 0 || colon === target.length - 1) {
    throw new HookTargetError(`uprobe target "${target}" must be <module path>:<export>, e.g. ./lib/db.js:query`);
  }
  const path = target.slice(0, colon);
  const filename = path.startsWith('file:') ? new URL(path).pathname : isAbsolute(path) ? path : resolve(baseDir, path);
  return { filename, exportPath: target.slice(colon + 1) };
}

/** The probe site of a module's export (one per file and export). */
export function moduleExportSite(filename: string, exportPath: string, label?: string): ModuleExportSite {
  const key = `${filename}:${exportPath}`;
  let site = sites.get(key);
  if (!site) sites.set(key, (site = new ModuleExportSite(filename, exportPath, label ?? key)));
  return site;
}

/** The file URL the ESM loader sees for a file name. */
export const fileUrlOf = (filename: string): string => pathToFileURL(filename).href;
