import { HookTargetError } from '../errors.js';
import { moduleExportSite, parseModuleTarget } from './module-site.js';
import { objectMethodSite } from './object-site.js';
import type { ProbeSite } from './probe-site.js';
import type { UprobeHook } from './uprobe-hook.js';

function siteOf(target: string | object, method: string | symbol | undefined, baseDir: string | undefined): ProbeSite {
  if (typeof target === 'string') {
    const { filename, exportPath } = parseModuleTarget(target, baseDir);
    return moduleExportSite(filename, exportPath, target);
  }
  if (method === undefined) throw new HookTargetError('probing an object needs the name of its method');
  return objectMethodSite(target, method);
}

/**
 * The entry hook of a JavaScript function: `uprobe('./lib/db.js:query')`
 * (a module's export, the path relative to `baseDir`, default the working
 * directory) or `uprobe(object, 'method')`.
 */
export function uprobe(target: string | object, method?: string | symbol, baseDir?: string): UprobeHook {
  return siteOf(target, method, baseDir).entry;
}

/** The return hook of a JavaScript function (see uprobe()). */
export function uretprobe(target: string | object, method?: string | symbol, baseDir?: string): UprobeHook {
  return siteOf(target, method, baseDir).exit;
}
