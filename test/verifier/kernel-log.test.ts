// Proves the level-2 log against the Linux kernel's: for each corpus case,
// every instruction with the register state after it, the precision
// backtracking, the pruning and the statistics line must be the kernel's,
// except for the cases listed with a reason in kernel-log-differences.txt
// (and those whose verdicts differ, listed in kernel-disagreements.txt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { kernelSkipReason } from '../support/kernel.js';
import { verify } from '../../src/verifier/index.js';
import { SLOW_SKIP, assembleCase, loadCorpus } from './corpus.js';
import { kernelVerdict } from './kernel-verdict.js';

const skip = kernelSkipReason();
const cases = loadCorpus();

function listed(file: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readFileSync(new URL(file, import.meta.url), 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const bar = line.indexOf(' | ');
    assert.ok(bar > 0, `${file}: malformed line: ${line}`);
    map.set(line.slice(0, bar).trim(), line.slice(bar + 3).trim());
  }
  return map;
}

const differences = listed('./kernel-log-differences.txt');
const disagreements = listed('./kernel-disagreements.txt');

/**
 * The kernel's lines tsbpf does not write: the 6.18 stack-liveness debug
 * lines ("(0) frame 0 insn 3 +live -8"). Map addresses are the kernel's own.
 */
function normalize(log: string): string[] {
  return log.split('\n')
    .filter((l) => !/^\([\d,]+\) /.test(l))
    .map((l) => l.replace(/0xffff[0-9a-f]{12}/g, 'ADDR'));
}

test('every listed log difference names a corpus case', () => {
  const names = new Set(cases.map((c) => c.name));
  for (const name of differences.keys()) assert.ok(names.has(name), `kernel-log-differences.txt names no case: ${name}`);
});

for (const c of cases) {
  const why = c.unprivileged ? 'unprivileged mode cannot be loaded here (the kernel runs as root)'
    : c.kernelSkip ?? (c.slow ? SLOW_SKIP : disagreements.has(c.name) ? 'the verdicts differ (kernel-disagreements.txt)' : undefined);
  test(`kernel log: ${c.name}`, { skip: skip ?? why }, () => {
    const insns = assembleCase(c.source);
    const kernel = normalize(kernelVerdict(insns, c.progType, c.maps, 0, c.funcInfo, 2, c.attachType).log);
    const ours = normalize(verify(insns, { progType: c.progType, expectedAttachType: c.attachType, maps: c.maps, funcInfo: c.funcInfo, logLevel: 2 }).log);
    let first = -1;
    for (let i = 0; i < Math.max(kernel.length, ours.length); i++) {
      if (kernel[i] !== ours[i]) { first = i; break; }
    }
    const reason = differences.get(c.name);
    if (reason) {
      assert.ok(first >= 0, `${c.file}:${c.line} now logs as the kernel does: remove it from kernel-log-differences.txt`);
      return;
    }
    assert.ok(first < 0, `${c.file}:${c.line} log line ${first + 1}:\n  kernel: ${kernel[first]}\n  tsbpf:  ${ours[first]}`);
  });
}
