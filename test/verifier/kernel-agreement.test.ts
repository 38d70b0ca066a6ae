// Proves the corpus against the Linux kernel: each case's expected verdict
// (and message) must be what the kernel's verifier says, except for the cases
// listed with a reason in kernel-disagreements.txt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { kernelSkipReason } from '../support/kernel.js';
import { verify } from '../../src/verifier/index.js';
import { SLOW_SKIP, assembleCase, loadCorpus } from './corpus.js';
import { kernelVerdict } from './kernel-verdict.js';

const skip = kernelSkipReason();
const cases = loadCorpus();

/** Case name -> reason the kernel disagrees. */
function disagreements(): Map<string, string> {
  const text = readFileSync(new URL('./kernel-disagreements.txt', import.meta.url), 'utf8');
  const map = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const bar = line.indexOf(' | ');
    assert.ok(bar > 0, `kernel-disagreements.txt: malformed line: ${line}`);
    map.set(line.slice(0, bar).trim(), line.slice(bar + 3).trim());
  }
  return map;
}

const known = disagreements();

test('every listed disagreement names a corpus case', () => {
  const names = new Set(cases.map((c) => c.name));
  for (const name of known.keys()) assert.ok(names.has(name), `kernel-disagreements.txt names no case: ${name}`);
});

let agreed = 0;
let checked = 0;
for (const c of cases) {
  const why = c.unprivileged ? 'unprivileged mode cannot be loaded here (the kernel runs as root)' : c.kernelSkip ?? (c.slow ? SLOW_SKIP : undefined);
  test(`kernel: ${c.name}`, { skip: skip ?? why }, () => {
    const insns = assembleCase(c.source);
    const kernel = kernelVerdict(insns, c.progType, c.maps, 0, c.funcInfo, 1, c.attachType);
    const ours = verify(insns, { progType: c.progType, expectedAttachType: c.attachType, maps: c.maps, funcInfo: c.funcInfo });
    checked++;
    const reason = known.get(c.name);
    const sameVerdict = kernel.verdict === c.expect;
    const sameFirstLine = c.expect === 'accept' || kernel.errorLines[0] === ours.errorLines?.[0];
    const linesPresent = c.errors.every((e) => kernel.errorLines.includes(e));
    const agrees = sameVerdict && sameFirstLine && linesPresent;
    if (reason) {
      assert.ok(!agrees, `${c.file}:${c.line} now agrees with the kernel: remove it from kernel-disagreements.txt`);
      return;
    }
    assert.equal(kernel.verdict, c.expect, `${c.file}:${c.line} kernel says ${kernel.verdict}: ${JSON.stringify(kernel.errorLines)}`);
    for (const e of c.errors) assert.ok(kernel.errorLines.includes(e), `${c.file}:${c.line} kernel said ${JSON.stringify(kernel.errorLines)}`);
    if (c.expect === 'reject') {
      assert.equal(ours.errorLines?.[0], kernel.errorLines[0], `${c.file}:${c.line} first line of the refusal`);
    }
    agreed++;
  });
}

test('agreement summary', { skip }, () => {
  // Printed for the report; the per-case tests above are the assertions.
  process.stdout.write(`# kernel agreement: ${agreed} of ${checked} cases checked agree; ${known.size} listed disagreements\n`);
});
