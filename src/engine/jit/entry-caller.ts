import type { HostFunction } from './inline.js';

/** The signature of a compiled program's exported entry (see entry-functions.ts). */
export type Main = (fp: bigint, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => bigint;

/** The `host` import's signature: host function index, then its four arguments. */
export type HostDispatcher = (index: number, a: number, b: number, c: number, d: number) => number;

/**
 * A function that calls `main` from a call site of its own. V8 inlines a
 * call from JavaScript into WebAssembly (the JS-to-Wasm wrapper and its
 * BigInt conversions) only at a site that has seen a single target: a site
 * shared by every executable turns generic, several times slower per run,
 * as soon as a process runs two programs. `new Function` gives each
 * executable a fresh site (closures of one function literal would share
 * theirs); where it is refused (a page whose CSP forbids it), `main` itself.
 */
export function ownCallSite(main: Main): Main {
  try {
    const make = new Function('main', '"use strict"; return function run(fp, r1, r2, r3, r4, r5) { return main(fp, r1, r2, r3, r4, r5); };');
    return make(main) as Main;
  } catch {
    return main;
  }
}

/**
 * The `host` import of one executable: calls host function `index` from a
 * call site of its own (see ownCallSite: a site shared by every executable
 * would see every VM's host functions); `fns` is read at each call.
 */
export function ownHostDispatcher(fns: readonly HostFunction[]): HostDispatcher {
  try {
    const make = new Function('fns', '"use strict"; return function host(index, a, b, c, d) { return fns[index](a, b, c, d); };');
    return make(fns) as HostDispatcher;
  } catch {
    return (index, a, b, c, d) => fns[index](a, b, c, d);
  }
}
