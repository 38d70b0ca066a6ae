import { HookTargetError } from '../errors.js';

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * Replaces the function in `object[key]` by `wrap(original)` and returns
 * the function that puts it back. An inherited method is shadowed by an own
 * property (deleted again on restore). When someone else replaced the
 * wrapper in the meantime, restore leaves their value alone.
 */
export function patchProperty(object: object, key: string | symbol, label: string, wrap: (original: AnyFunction) => AnyFunction): () => void {
  const own = Object.getOwnPropertyDescriptor(object, key);
  const desc = own ?? inheritedDescriptor(object, key);
  const name = String(key);
  if (!desc) throw new HookTargetError(`${label}: there is no ${name} to probe`);
  if (!('value' in desc)) throw new HookTargetError(`${label}: ${name} is an accessor, not a function`);
  if (typeof desc.value !== 'function') throw new HookTargetError(`${label}: ${name} is a ${typeof desc.value}, not a function`);
  if (own && !own.writable && !own.configurable) throw new HookTargetError(`${label}: ${name} is read-only`);
  const wrapper = wrap(desc.value as AnyFunction);
  try {
    Object.defineProperty(object, key, {
      value: wrapper, writable: own ? own.writable : true, enumerable: own ? own.enumerable : false, configurable: true,
    });
  } catch (err) {
    throw new HookTargetError(`${label}: cannot replace ${name}: ${(err as Error).message}`);
  }
  return () => {
    const current = Object.getOwnPropertyDescriptor(object, key);
    if (!current || current.value !== wrapper) return;
    if (own) Object.defineProperty(object, key, own);
    else delete (object as Record<string | symbol, unknown>)[key];
  };
}

function inheritedDescriptor(object: object, key: string | symbol): PropertyDescriptor | undefined {
  for (let o = Object.getPrototypeOf(object) as object | null; o; o = Object.getPrototypeOf(o) as object | null) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d;
  }
  return undefined;
}
