// The conformance suite through the JIT in unchecked mode (verified
// programs' mode: no region checks, WebAssembly's bounds only). Checked mode
// runs in test/conformance/conformance.test.ts with the other engines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runUnderConformanceConvention } from '../../src/engine/conformance-convention.js';
import { createJit } from '../../src/engine/jit/index.js';
import { TsbpfError } from '../../src/errors.js';
import { assembleConformance } from '../../src/isa/asm/index.js';
import { decodeRaw } from '../../src/isa/encoding.js';
import { conformanceSkipReason, listConformance, type ConformanceCase } from '../support/conformance.js';

const skip = conformanceSkipReason();

/** r0 of a case, or the typed error that refused it. */
function evaluate(c: ConformanceCase): bigint | string {
  try {
    if (c.unknownSections.length > 0) throw new TsbpfError(`unknown section -- ${c.unknownSections[0]}`);
    const insns = c.raw ? decodeRaw(c.raw) : assembleConformance(c.asm ?? '');
    return runUnderConformanceConvention(insns, c.mem, createJit, { checked: false }).r0;
  } catch (err) {
    if (!(err instanceof TsbpfError)) throw err;
    return `${err.name}: ${err.message}`;
  }
}

test('conformance tests/ in the unchecked JIT: every program gives its result', { skip }, () => {
  const cases = listConformance('tests');
  const failures = cases.flatMap((c) => {
    const got = evaluate(c);
    if (c.error !== undefined) return typeof got === 'string' ? [] : [`${c.name}: ran where an error was expected`];
    return got === c.result ? [] : [`${c.name}: ${typeof got === 'string' ? got : `0x${got.toString(16)}`}`];
  });
  assert.deepEqual(failures, []);
  assert.equal(cases.length, 313);
});

test('conformance negative/ in the unchecked JIT: every program is refused', { skip }, () => {
  const cases = listConformance('negative');
  const accepted = cases.filter((c) => {
    const got = evaluate(c);
    return typeof got !== 'string' && c.result !== undefined && got === c.result;
  });
  assert.deepEqual(accepted.map((c) => c.name), []);
  assert.equal(cases.length, 60); // negative/ also holds invalid.sh, the upstream runner's self-test, not a program
});
