/**
 * Stable 64-bit ids for host objects (requests, sockets), so the events of
 * one object share a key, as kernel programs key maps by a `struct sock *`.
 * Each id also remembers when the object was first seen, for durations.
 */
interface Stamp {
  readonly id: bigint;
  readonly startNs: bigint;
}

const stamps = new WeakMap<object, Stamp>();
let next = 1n;

/** The object's id and first-seen time, assigned on first use. */
export function stampOf(object: object, nowNs: bigint): Stamp {
  let s = stamps.get(object);
  if (!s) stamps.set(object, (s = { id: next++, startNs: nowNs }));
  return s;
}

/** The object's stamp if it has one. */
export function knownStamp(object: object): Stamp | undefined {
  return stamps.get(object);
}
