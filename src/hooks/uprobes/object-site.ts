import { patchProperty } from './patch-property.js';
import { ProbeSite } from './probe-site.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** A function held in an object's property (a method, an export object's function). */
export class ObjectMethodSite extends ProbeSite {
  private restore: (() => void) | null = null;

  constructor(readonly object: object, readonly key: string | symbol, label: string, private readonly after?: () => void) {
    super(label);
  }

  protected install(): void {
    this.restore = patchProperty(this.object, this.key, this.label, (original) => this.wrap(original));
    this.after?.();
  }

  protected uninstall(): void {
    const restore = this.restore;
    this.restore = null;
    restore?.();
    this.after?.();
  }
}

const sites = new WeakMap<object, Map<string | symbol, ObjectMethodSite>>();

/**
 * The probe site of `object[key]` (one per object and key). `after` runs
 * after the wrapper goes in or out (e.g. to sync builtin ESM exports).
 */
export function objectMethodSite(object: object, key: string | symbol, label?: string, after?: () => void): ObjectMethodSite {
  let byKey = sites.get(object);
  if (!byKey) sites.set(object, (byKey = new Map()));
  let site = byKey.get(key);
  if (!site) byKey.set(key, (site = new ObjectMethodSite(object, key, label ?? `${objectName(object)}.${String(key)}`, after)));
  return site;
}

function objectName(object: object): string {
  if (typeof object === 'function') return (object as AnyFunction).name || 'function';
  const ctor = (object as { constructor?: { name?: string } }).constructor;
  return ctor?.name || 'object';
}
