/**
 * Stable 64-bit ids for host objects (requests, sockets), so the events of
 * one object share a key, as kernel programs key maps by a `struct sock *`.
 * Each id also remembers when the object was first seen, for durations.
 *
 * Ids live beside the objects (a WeakMap), never on them: a property added
 * to Node's own objects (an IncomingMessage, a net.Socket) changes their
 * hidden class, and Node's code that handles them on every request turns
 * polymorphic: measured, a symbol-keyed property on each request or socket
 * cost the server 10-15% of its throughput, far more than the hook itself.
 */
export interface Stamp {
  /** A counter: a safe integer long before it could wrap (written as a u64, no BigInt per event). */
  readonly id: number;
  readonly startNs: bigint;
}

const stamps = new WeakMap<object, Stamp>();
let next = 1;

/** A new id (a counter shared by every kind of object: ids never repeat). */
export function nextObjectId(): number {
  return next++;
}

/** A new id, first seen at `nowNs`. */
export function newStamp(nowNs: bigint): Stamp {
  return { id: next++, startNs: nowNs };
}

/** The object's id and first-seen time, assigned on first use. */
export function stampOf(object: object, nowNs: bigint): Stamp {
  let s = stamps.get(object);
  if (!s) stamps.set(object, (s = newStamp(nowNs)));
  return s;
}

/** The object's stamp if it has one. */
export function knownStamp(object: object): Stamp | undefined {
  return stamps.get(object);
}
