import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XDP_MD, XDP_MD_SIZE, SK_BUFF, SK_BUFF_SIZE, PT_REGS, PT_REGS_SIZE, PERF_EVENT_DATA, PERF_EVENT_DATA_SIZE } from '../../src/progtypes/index.js';

const clang = spawnSync('clang-19', ['--version']).status === 0 ? 'clang-19' : spawnSync('clang', ['--version']).status === 0 ? 'clang' : undefined;

/** _Static_asserts that every offset and size in our tables is what the uapi headers say. */
function assertions(): string {
  const lines = ['#include <stddef.h>', '#include <linux/bpf.h>', '#include <linux/bpf_perf_event.h>', '#include <asm/ptrace.h>'];
  const check = (type: string, fields: Record<string, number>, size: number): void => {
    for (const [field, off] of Object.entries(fields)) lines.push(`_Static_assert(offsetof(${type}, ${field}) == ${off}, "${type}.${field}");`);
    lines.push(`_Static_assert(sizeof(${type}) == ${size}, "sizeof ${type}");`);
  };
  check('struct xdp_md', XDP_MD, XDP_MD_SIZE);
  check('struct __sk_buff', Object.fromEntries(Object.entries(SK_BUFF)), SK_BUFF_SIZE);
  check('struct pt_regs', PT_REGS, PT_REGS_SIZE);
  check('struct bpf_perf_event_data', PERF_EVENT_DATA, PERF_EVENT_DATA_SIZE);
  return lines.join('\n') + '\n';
}

test('xdp_md, __sk_buff, pt_regs and bpf_perf_event_data match the uapi headers (clang)', { skip: clang ? undefined : 'clang is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsbpf-layout-'));
  try {
    const file = join(dir, 'layout.c');
    writeFileSync(file, assertions());
    const r = spawnSync(clang!, ['-target', 'bpf', '-fsyntax-only', '-I/usr/include/x86_64-linux-gnu', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
