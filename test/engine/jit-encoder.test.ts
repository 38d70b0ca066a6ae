// The JIT's WebAssembly encoder: LEB128 encodings and a hand-built module
// that WebAssembly accepts and runs (imports, globals, exports, locals).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ByteWriter } from '../../src/engine/jit/byte-writer.js';
import { ModuleBuilder } from '../../src/engine/jit/wasm-module.js';
import { I32, I64, Op } from '../../src/engine/jit/wasm-opcodes.js';

/** Reference signed LEB128 decoder. */
function readSleb(bytes: Uint8Array): bigint {
  let result = 0n;
  let shift = 0n;
  let i = 0;
  let b: number;
  do {
    b = bytes[i++];
    result |= BigInt(b & 0x7f) << shift;
    shift += 7n;
  } while (b & 0x80);
  if (b & 0x40) result -= 1n << shift;
  assert.equal(i, bytes.length, 'trailing bytes');
  return result;
}

test('LEB128: unsigned, signed 32-bit, safe integers and 64-bit values decode back', () => {
  const enc = (f: (w: ByteWriter) => void): Uint8Array => {
    const w = new ByteWriter(1);
    f(w);
    return w.view().slice();
  };
  assert.deepEqual([...enc((w) => w.uleb(624485))], [0xe5, 0x8e, 0x26]);
  assert.deepEqual([...enc((w) => w.sleb32(-123456))], [0xc0, 0xbb, 0x78]);
  fc.assert(fc.property(fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }), (n) => readSleb(enc((w) => w.sleb32(n))) === BigInt(n)));
  fc.assert(fc.property(fc.maxSafeInteger(), (n) => readSleb(enc((w) => w.slebSafe(n))) === BigInt(n)));
  fc.assert(fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (v) => readSleb(enc((w) => w.sleb64(v))) === v));
});

test('a module with an imported function and memory, globals and locals validates and runs', () => {
  const mb = new ModuleBuilder();
  mb.importMemory('env', 'memory', 1);
  const twice = mb.importFunction('env', 'twice', mb.type([I64], [I64]));
  const g = mb.addGlobal(I64, true);
  mb.exportGlobal('g', g);
  const f = mb.declareFunction(mb.type([I64], [I64]));
  mb.exportFunction('f', f);
  // f(x) = { local t = twice(x) + load64(8); g = t; t }
  const w = new ByteWriter();
  w.u8x2(Op.local_get, 0);
  w.u8(Op.call);
  w.uleb(twice);
  w.u8(Op.i32_const);
  w.sleb32(8);
  w.u8(Op.i64_load);
  w.u8x2(3, 0);
  w.u8(Op.i64_add);
  w.u8x2(Op.local_tee, 1);
  w.u8x2(Op.global_set, g);
  w.u8x2(Op.local_get, 1);
  w.u8(Op.end);
  mb.define(f, { locals: [I64, I32], code: w.view().slice() });
  const { bytes, codeOffsets } = mb.encode();
  assert.ok(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>));
  assert.equal(bytes[codeOffsets[0]], Op.local_get);
  const memory = new WebAssembly.Memory({ initial: 1 });
  new DataView(memory.buffer).setBigInt64(8, 5n, true);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { env: { memory, twice: (x: bigint) => 2n * x } });
  const exports = instance.exports as { f: (x: bigint) => bigint; g: WebAssembly.Global };
  assert.equal(exports.f(20n), 45n);
  assert.equal(exports.g.value, 45n);
});
