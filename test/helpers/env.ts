// A hand-built run environment for calling helpers directly.
import { Arena } from '../../src/memory/arena.js';
import { newHelperContext, type HelperContext } from '../../src/engine/abi.js';
import { HELPERS } from '../../src/helpers/table.js';
import { BPF_FUNC, type HelperName } from '../../src/helpers/ids.js';
import type { RunContext } from '../../src/helpers/run-context.js';

export interface TestEnv {
  arena: Arena;
  env: HelperContext & RunContext;
  /** Calls helper `name` with up to five arguments. */
  call(name: HelperName, ...args: bigint[]): bigint;
  /** Signed view of a result. */
  signed(name: HelperName, ...args: bigint[]): bigint;
  /** Allocates `size` bytes as a writable region (a stand-in for stack memory) and returns its pointer. */
  region(size: number, bytes?: Uint8Array, writable?: boolean): bigint;
  off(pointer: bigint): number;
}

export function testEnv(arena = new Arena()): TestEnv {
  const env: HelperContext & RunContext = newHelperContext(arena);
  const call = (name: HelperName, ...args: bigint[]): bigint => {
    const h = HELPERS.get(BPF_FUNC[name]);
    if (!h) throw new Error(`no helper ${name}`);
    const [a = 0n, b = 0n, c = 0n, d = 0n, e = 0n] = args;
    return BigInt.asUintN(64, h.fn(env, a, b, c, d, e));
  };
  return {
    arena,
    env,
    call,
    signed: (name, ...args) => BigInt.asIntN(64, call(name, ...args)),
    region: (size, bytes, writable = true) => {
      const at = arena.alloc(size);
      if (bytes) arena.bytes.set(bytes, at);
      arena.addRegion(at, size, 'mem', 'test memory', writable);
      return arena.pointer(at);
    },
    off: (pointer) => arena.offsetOf(pointer),
  };
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const cstr = (s: string): Uint8Array => enc(`${s}\0`);
