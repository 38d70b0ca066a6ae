// `tsbpf run PROG [--mem HEX] [--engine] [--backend]`, through a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { assembleConformance } from '../../src/isa/asm/index.js';
import { encode } from '../../src/isa/encoding.js';
import { kernelSkipReason } from '../support/kernel.js';
import { lastLine, runCli } from './spawn-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tsbpf-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

// r0 = r2 + the first byte of memory
const sumSource = 'ldxb %r0, [%r1+0]\nadd %r0, %r2\nexit\n';
const sumS = file('sum.s', sumSource);
const sumBin = file('sum.bin', encode(assembleConformance(sumSource)));

const clang = spawnSync('clang-19', ['--version']).status === 0 ? 'clang-19' : null;

describe('tsbpf run', { concurrency: true }, () => {
  test('assembly with memory: r0 as 0x… on the last line', async () => {
    const r = await runCli(['run', sumS, '--mem', '2a 00 00']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastLine(r.stdout), '0x2d');
  });

  test('raw bytecode; --mem also takes contiguous hex', async () => {
    const r = await runCli(['run', sumBin, '--mem', '0x0a0b']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastLine(r.stdout), '0xc');
  });

  test('r0 is printed as unsigned 64-bit lowercase hex', async () => {
    const r = await runCli(['run', file('neg.s', 'mov %r0, -2\nexit\n')]);
    assert.equal(lastLine(r.stdout), '0xfffffffffffffffe');
  });

  test('an ELF object runs `main` of .text with its sub-programs', { skip: clang ? undefined : 'clang-19 not installed' }, async () => {
    const c = file('prog.c', [
      'static __attribute__((noinline)) unsigned long twice(unsigned long x) { return x * 2; }',
      'unsigned long main(unsigned char *mem, unsigned long len) {',
      '  unsigned long h = 0;',
      '  for (unsigned long i = 0; i < len; i++) h = h * 31 + mem[i];',
      '  return twice(h) + len;',
      '}',
    ].join('\n'));
    const o = join(dir, 'prog.o');
    const cc = spawnSync(clang as string, ['-target', 'bpf', '-O2', '-ffreestanding', '-Wno-main', '-c', c, '-o', o], { encoding: 'utf8' });
    assert.equal(cc.status, 0, cc.stderr);
    const r = await runCli(['run', o, '--mem', '01 02']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lastLine(r.stdout), `0x${((1 * 31 + 2) * 2 + 2).toString(16)}`);
  });

  test('a memory fault exits 1 and says where', async () => {
    const r = await runCli(['run', file('oob.s', 'ldxdw %r0, [%r1+0]\nexit\n'), '--mem', '01 02 03']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /pc 0: invalid read of 8 bytes at 0x[0-9a-f]+ \(outside region memory\)/);
  });

  test('a program past its budget exits 1', async () => {
    const r = await runCli(['run', file('loop.s', 'loop:\nadd %r0, 1\nja loop\nexit\n'), '--budget', '1000']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /instruction budget of 1000 exhausted/);
  });

  test('bad input exits 2: missing file, assembly error, bad hex, truncated bytecode, invalid instruction', async () => {
    const results = await Promise.all([
      runCli(['run', join(dir, 'missing.bin')]),
      runCli(['run', file('bad.s', 'mov %r0, 1\nfrob %r0\nexit\n')]),
      runCli(['run', sumS, '--mem', '0g']),
      runCli(['run', file('short.bin', new Uint8Array(12))]),
      runCli(['run', file('reserved.bin', Uint8Array.from([0x07, 0, 1, 0, 1, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]))]),
    ]);
    for (const r of results) assert.equal(r.code, 2, `${r.stdout}${r.stderr}`);
    assert.match(results[0].stderr, /cannot read .*missing\.bin/);
    assert.match(results[1].stderr, /bad\.s:2:1: /);
    assert.match(results[2].stderr, /--mem: 'g' is not a hex digit/);
    assert.match(results[3].stderr, /not a multiple of 8/);
    assert.match(results[4].stderr, /invalid instruction 0/);
  });

  test('--engine jit gives the same r0 as the interpreter', async () => {
    const [interp, jit] = await Promise.all([
      runCli(['run', sumS, '--engine', 'interp', '--mem', '2a 00 00']),
      runCli(['run', sumS, '--engine', 'jit', '--mem', '2a 00 00']),
    ]);
    assert.equal(jit.code, 0, jit.stderr);
    assert.equal(jit.stdout, interp.stdout);
  });

  test('--backend kernel gives the same r0 as the VM', { skip: kernelSkipReason() }, async () => {
    const [vm, kernel] = await Promise.all([
      runCli(['run', sumS, '--mem', 'ff 00 00 00']),
      runCli(['run', sumS, '--mem', 'ff 00 00 00', '--backend', 'kernel']),
    ]);
    assert.equal(kernel.code, 0, kernel.stderr);
    assert.equal(lastLine(kernel.stdout), lastLine(vm.stdout));
    assert.equal(lastLine(kernel.stdout), '0x103');
  });
});

describe('tsbpf run on ELF objects', () => {
  const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

  test('main in .text runs with the functions it calls, whatever other sections hold (a program with maps)', async () => {
    for (const args of [[], ['--engine', 'interp']]) {
      const r = await runCli(['run', fixture('run_main.o'), '--mem', '05', ...args]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(lastLine(r.stdout), '0x7');
    }
  });

  test('a main that uses global data is refused, saying so', async () => {
    const r = await runCli(['run', fixture('run_main_globals.o'), '--mem', '05']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /main refers to global data in section \.data: programs run with r1 = memory, r2 = its length have no maps or global data/);
  });
});
