import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bprintf, type BprintfMemory } from '../../src/helpers/bprintf.js';
import { EINVAL, ENOSPC } from '../../src/maps/errno.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array | number): string => (typeof b === 'number' ? `errno ${b}` : new TextDecoder().decode(b));

/** Memory where pointer 0x1000 + i is strings[i] (NUL-terminated), others fault. */
function memory(strings: Array<Uint8Array | string>): BprintfMemory {
  const at = (p: bigint): Uint8Array | null => {
    const i = Number(p - 0x1000n);
    const s = strings[i];
    return s === undefined ? null : typeof s === 'string' ? enc(s) : s;
  };
  return {
    string: (p, max) => { const s = at(p); return s && s.subarray(0, Math.max(0, max - 1)); },
    bytes: (p, size) => { const s = at(p); return s && s.length >= size ? s.subarray(0, size) : null; },
  };
}

const fmt = (f: string, args: bigint[], strings: Array<Uint8Array | string> = []): string => dec(bprintf(enc(f), args, memory(strings)));

test('bprintf: integers as int, long and long long, signed and unsigned, hex', () => {
  assert.equal(fmt('%d %i %u %x %X', [-1n, 42n, -1n, 255n, 255n]), '-1 42 4294967295 ff FF');
  assert.equal(fmt('%ld %lu %lx', [-5n, -1n, 0xdeadbeefcafen]), '-5 18446744073709551615 deadbeefcafe');
  assert.equal(fmt('%lld %llu %llx', [-(2n ** 63n), 2n ** 64n - 1n, 1n]), '-9223372036854775808 18446744073709551615 1');
  assert.equal(fmt('%d', [0x1_0000_0005n]), '5', 'int conversions take the low 32 bits');
});

test('bprintf: flags and widths as vsnprintf', () => {
  assert.equal(fmt('[%5d][%-5d][%05d][%+d][% d][%-05d]', [42n, 42n, -42n, 7n, 7n, 3n]), '[   42][42   ][-0042][+7][ 7][3    ]');
  assert.equal(fmt('[%08x][%+x][%6s][%-6s][%3c]', [0xabcn, 5n, 0x1000n, 0x1001n, 65n], ['ab', 'cd']), '[00000abc][5][    ab][cd    ][  A]');
});

test('bprintf: %s, %c, %%, and a faulting string reads as empty', () => {
  assert.equal(fmt('%s=%c%%', [0x1000n, 0x41n], ['key']), 'key=A%');
  assert.equal(fmt('<%s>', [0x9999n]), '<>');
});

test('bprintf: pointers and IP addresses', () => {
  assert.equal(fmt('%p %px %pK', [0xffff888000001000n, 1n, 2n]), 'ffff888000001000 0000000000000001 0000000000000002');
  assert.equal(fmt('%pS', [0xffffffff81000000n]), '0xffffffff81000000');
  const v4 = new Uint8Array([192, 168, 1, 10]);
  const v6 = new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.equal(fmt('%pI4 %pi4', [0x1000n, 0x1000n], [v4]), '192.168.1.10 192.168.001.010');
  assert.equal(fmt('%pI6', [0x1000n], [v6]), '2001:0db8:0000:0000:0000:0000:0000:0001');
  assert.equal(fmt('%pi6', [0x1000n], [v6]), '20010db8000000000000000000000001');
  assert.equal(fmt('%pI4', [0x5000n]), '0.0.0.0', 'a faulting address prints as zeros');
  assert.equal(fmt('%pks!', [0x1000n], ['kstr']), 'kstr!');
  assert.equal(fmt('%pxabc.', [0x10n]), '0000000000000010.', 'alphanumerics after a pointer conversion are skipped');
});

test('bprintf: what the kernel refuses (-EINVAL)', () => {
  for (const f of ['%o', '%#x', '%.2d', '%hd', '%zu', '%pa', '%sx', '%5%', '%q', 'tab\x01', 'é', '%lf']) {
    assert.equal(fmt(f, [1n, 2n, 3n]), `errno ${-EINVAL}`, f);
  }
  assert.equal(fmt('%d %d %d %d', [1n, 2n, 3n]), `errno ${-EINVAL}`, 'more conversions than arguments');
  assert.equal(fmt('%d', []), `errno ${-EINVAL}`);
  assert.equal(fmt('plain\ttext\n', []), 'plain\ttext\n');
});

test('bprintf: strings share a 512-byte argument buffer (-ENOSPC past it, truncation at its end)', () => {
  const long = 'x'.repeat(600);
  assert.equal(fmt('%s', [0x1000n], [long]), 'x'.repeat(511));
  assert.equal(fmt('%s%s', [0x1000n, 0x1000n], [long]), `errno ${-ENOSPC}`);
  assert.equal(fmt('%s%d', [0x1000n, 5n], ['y'.repeat(509)]), `errno ${-ENOSPC}`, '510 bytes of string leave no aligned room for an int');
  assert.equal(fmt('%s%d', [0x1000n, 5n], ['y'.repeat(503)]), `${'y'.repeat(503)}5`);
});
