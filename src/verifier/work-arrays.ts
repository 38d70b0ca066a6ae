// Temporary arrays for the analyses that run once per program (control
// flow, loops, liveness): reused from one verification to the next instead
// of allocated each time (each typed array over 64 bytes is a separate
// allocation outside V8's heap). Only for arrays that do not outlive the
// function that asks for them.

const pool: Int32Array[] = [];

/**
 * A zeroed Int32Array with at least n elements (do not rely on its length).
 * `slot` tells apart the arrays one function uses at the same time.
 */
export function tempInt32(slot: number, n: number): Int32Array {
  let a = pool[slot];
  if (!a || a.length < n) {
    a = new Int32Array(Math.max(n, 1024));
    pool[slot] = a;
  } else {
    a.fill(0, 0, n);
  }
  return a;
}

/** Slots of tempInt32, one per array in use at the same time. */
export const enum Temp {
  CfgState, CfgStack,
  SccPre, SccLow, SccOnStack, SccStack, SccSecond, SccDfsNode, SccDfsK,
  LiveUse, LiveDef, LiveSecond,
}
