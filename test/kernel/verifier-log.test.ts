import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VerifierRejectedError } from '../../src/kernel/errors.js';
import { errorBlock, errorLine } from '../../src/kernel/verifier-log.js';

// A level-1 log as the kernel prints an infinite loop: the error, then the states it compared.
const LOOP_LOG = [
  'func#0 @0',
  '0: R1=ctx() R10=fp0',
  '0: (b7) r0 = 0                        ; R0_w=0',
  '69: (85) call bpf_map_update_elem#2',
  'infinite loop detected at insn 70',
  'cur state: R0=scalar() R10=fp0',
  'old state: R0=scalar() R10=fp0',
  'processed 157 insns (limit 1000000) max_states_per_insn 1 total_states 12 peak_states 12 mark_read 0',
  '',
].join('\n');

test('the error line is the first after the last instruction, not the state dump after it', () => {
  assert.deepEqual(errorBlock(LOOP_LOG), ['infinite loop detected at insn 70', 'cur state: R0=scalar() R10=fp0', 'old state: R0=scalar() R10=fp0']);
  assert.equal(errorLine(LOOP_LOG), 'infinite loop detected at insn 70');
  assert.equal(new VerifierRejectedError(22, LOOP_LOG).message, 'BPF_PROG_LOAD failed: EINVAL (infinite loop detected at insn 70)');
});

test('a refusal before any instruction is printed: the log\'s last line', () => {
  const log = 'func#0 @0\nfunc#1 @5\nunreachable insn 3\nprocessed 0 insns (limit 1000000)\n';
  assert.equal(errorLine(log), 'unreachable insn 3');
  assert.equal(errorLine(''), undefined);
  assert.equal(errorLine('0: (95) exit\n'), '0: (95) exit', 'nothing after the last instruction: the last line');
  assert.equal(new VerifierRejectedError(22, '').message, 'BPF_PROG_LOAD failed: EINVAL (no verifier log)');
});

test('a message that runs into the statistics line is cut from it', () => {
  const log = '0: (95) exit\nR0 !read_okprocessed 1 insns (limit 1000000)\n';
  assert.equal(errorLine(log), 'R0 !read_ok');
});
