// The BPF conformance suite (../shared/conformance): every program of tests/
// must give its `-- result` (or fail where it says `-- error`), and every
// program of negative/ must be refused (assembler, decoder or validator
// error, run-time error, or a result other than the expected one), in every
// engine listed below, with all groups and CPU v4.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { runUnderConformanceConvention } from '../../src/engine/conformance-convention.js';
import { engineFactory, type EngineName } from '../../src/engine/select.js';
import { TsbpfError } from '../../src/errors.js';
import { assembleConformance } from '../../src/isa/asm/index.js';
import { decodeRaw } from '../../src/isa/encoding.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { conformanceSkipReason, listConformance, type ConformanceCase } from '../support/conformance.js';

/** The engines the suite runs in; the JIT joins with one more name. */
const ENGINES: readonly EngineName[] = ['interp', 'jit'];

/** Enough for every program of the suite; a runaway program fails instead of hanging. */
const BUDGET = 1_000_000;

/** What one engine did with one case: its r0, or the typed error that refused it. */
type Outcome = { readonly r0: bigint } | { readonly refusal: string };

function programOf(c: ConformanceCase): Instruction[] {
  if (c.unknownSections.length > 0) throw new TsbpfError(`unknown section -- ${c.unknownSections[0]}`);
  if (c.raw) return decodeRaw(c.raw);
  return assembleConformance(c.asm ?? '');
}

/** Assembles (or decodes), loads and runs one case. Only tsbpf's typed errors count as refusals. */
function evaluate(engine: EngineName, c: ConformanceCase): Outcome {
  try {
    return { r0: runUnderConformanceConvention(programOf(c), c.mem, engineFactory(engine), { budget: BUDGET }).r0 };
  } catch (err) {
    if (!(err instanceof TsbpfError)) throw err;
    return { refusal: `${err.name}: ${err.message}` };
  }
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** Why a case of tests/ did not behave as its file says, or null when it did. */
function positiveFailure(c: ConformanceCase, outcome: Outcome): string | null {
  if ('refusal' in outcome) return c.error !== undefined ? null : `refused: ${outcome.refusal}`;
  if (c.error !== undefined) return `ran to r0 = ${hex(outcome.r0)} where an error was expected`;
  if (c.result === undefined) return 'the file gives no result';
  return outcome.r0 === c.result ? null : `r0 = ${hex(outcome.r0)}, expected ${hex(c.result)}`;
}

/**
 * A case of negative/ is refused unless it ran to exactly the expected result
 * (as the upstream runner: a refusal, or any other outcome, fails the case).
 */
function negativeAccepted(c: ConformanceCase, outcome: Outcome): string | null {
  if ('refusal' in outcome || c.result === undefined || outcome.r0 !== c.result) return null;
  return `ran to the expected r0 = ${hex(outcome.r0)}`;
}

const skip = conformanceSkipReason();
const positive = listConformance('tests');
const negative = listConformance('negative');
const summary: string[] = [];

after(() => {
  if (summary.length > 0) console.log(summary.join('\n'));
});

for (const engine of ENGINES) {
  describe(`conformance in ${engine}`, { skip }, () => {
    let passed = 0;
    let refused = 0;

    test(`tests/: ${positive.length} programs give their result`, () => {
      const failures = positive.flatMap((c) => {
        const failure = positiveFailure(c, evaluate(engine, c));
        return failure === null ? [] : [`${c.name}: ${failure}`];
      });
      passed = positive.length - failures.length;
      assert.deepEqual(failures, []);
    });

    test(`negative/: ${negative.length} programs are refused`, () => {
      const accepted = negative.flatMap((c) => {
        const why = negativeAccepted(c, evaluate(engine, c));
        return why === null ? [] : [`${c.name}: ${why}`];
      });
      refused = negative.length - accepted.length;
      assert.deepEqual(accepted, []);
    });

    after(() => summary.push(`${engine}: ${passed}/${positive.length} tests, ${refused}/${negative.length} negative`));
  });
}
