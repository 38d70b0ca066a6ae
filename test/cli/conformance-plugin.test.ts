// `tsbpf conformance-plugin`: the bpf_conformance runner's plugin protocol,
// driven the way the runner drives it (memory as one argument of "xx  "
// bytes, options as one more argument, the program as one hex line on stdin).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { assembleConformance } from '../../src/isa/asm/index.js';
import { encode } from '../../src/isa/encoding.js';
import { conformanceSkipReason, listConformance } from '../support/conformance.js';
import { runCli } from './spawn-cli.js';

/** The runner's spelling of bytes: two hex digits and two spaces each. */
const runnerHex = (bytes: Uint8Array): string => [...bytes].map((b) => `${b.toString(16).padStart(2, '0')}  `).join('');
const program = (asm: string): string => runnerHex(encode(assembleConformance(asm)));

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-plugin-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const clang = spawnSync('clang-19', ['--version']).status === 0 ? 'clang-19' : null;

describe('tsbpf conformance-plugin', { concurrency: true }, () => {
  test('memory and an empty options argument, r0 in hex on stdout', async () => {
    const r = await runCli(['conformance-plugin', runnerHex(Uint8Array.from([0xaa, 0xbb])), ''], `${program('ldxh %r0, [%r1]\nlsh %r0, 4\nexit')}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'bbaa0');
  });

  test('no memory; options in one argument; all 64 bits of r0', async () => {
    const r = await runCli(['conformance-plugin', '', '--engine interp'], program('lddw %r0, 0x8877665544332211\nexit'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '8877665544332211');
  });

  test('a refused program and a faulting program exit non-zero with the reason on stderr', async () => {
    const [refused, fault] = await Promise.all([
      runCli(['conformance-plugin', ''], runnerHex(Uint8Array.from([0x07, 0, 1, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]))),
      runCli(['conformance-plugin', '01'], program('ldxw %r0, [%r1]\nexit')),
    ]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /invalid instruction 0: BPF_ALU uses reserved fields/);
    assert.equal(fault.code, 1);
    assert.match(fault.stderr, /pc 0: invalid read of 4 bytes/);
    assert.equal(refused.stdout + fault.stdout, '');
  });

  test('malformed hex on stdin is an input error; --engine jit runs the program', async () => {
    const [hex, jit] = await Promise.all([
      runCli(['conformance-plugin', ''], 'zz 00'),
      runCli(['conformance-plugin', '', '--engine jit'], program('mov %r0, 1\nexit')),
    ]);
    assert.equal(hex.code, 2);
    assert.match(hex.stderr, /program on stdin: 'z' is not a hex digit/);
    assert.equal(jit.code, 0, jit.stderr);
    assert.equal(jit.stdout.trim(), '1');
  });

  test('--elf: the program is an ELF object whose main in .text runs', { skip: clang ? undefined : 'clang-19 not installed' }, async () => {
    const c = join(dir, 'main.c');
    writeFileSync(c, 'unsigned long main(unsigned char *mem, unsigned long len) { return mem[0] * 1000 + len; }\n');
    const o = join(dir, 'main.o');
    const cc = spawnSync(clang as string, ['-target', 'bpf', '-O2', '-ffreestanding', '-Wno-main', '-c', c, '-o', o], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const r = await runCli(['conformance-plugin', runnerHex(Uint8Array.from([7, 0, 0])), '--elf'], runnerHex(readFileSync(o)));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), (7003).toString(16));
  });

  test('suite programs through the plugin give their results', { skip: conformanceSkipReason() }, async () => {
    const names = ['ldxh-all', 'call_local', 'lock_cmpxchg32', 'sdiv64-intmin-by-negone-reg', 'callx'];
    const cases = listConformance('tests').filter((c) => names.includes(c.name));
    assert.equal(cases.length, names.length);
    const results = await Promise.all(cases.map((c) =>
      runCli(['conformance-plugin', runnerHex(c.mem), ''], runnerHex(encode(assembleConformance(c.asm ?? ''))))));
    results.forEach((r, i) => {
      assert.equal(r.code, 0, `${cases[i].name}: ${r.stderr}`);
      assert.equal(BigInt(`0x${r.stdout.trim()}`), cases[i].result, cases[i].name);
    });
  });
});
