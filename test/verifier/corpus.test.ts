import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '../../src/verifier/index.js';
import { SLOW_SKIP, assembleCase, loadCorpus } from './corpus.js';

const cases = loadCorpus();

test('the corpus has a case for every rule', () => {
  const names = new Set<string>();
  for (const c of cases) {
    assert.ok(!names.has(c.name), `duplicate case name ${c.name}`);
    names.add(c.name);
  }
  assert.ok(cases.length >= 150, `only ${cases.length} cases`);
});

for (const c of cases) {
  test(`verifier: ${c.name}`, { skip: c.slow ? SLOW_SKIP : undefined }, () => {
    const insns = assembleCase(c.source);
    const result = verify(insns, { progType: c.progType, expectedAttachType: c.attachType, maps: c.maps, unprivileged: c.unprivileged, funcInfo: c.funcInfo });
    assert.equal(result.verdict, c.expect, `${c.file}:${c.line} ${result.error ?? ''}`);
    for (const line of c.errors) {
      assert.ok(result.errorLines?.includes(line), `${c.file}:${c.line}: expected "${line}", got ${JSON.stringify(result.errorLines)}`);
    }
  });
}
