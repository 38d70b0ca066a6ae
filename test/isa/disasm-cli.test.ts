// `tsbpf disasm FILE.o|FILE.bin [--section S]`, run as a real process through the CLI's main().
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineDiff, llvmMissing, objdump, objectFromBytes } from './disasm-support.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-disasm-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const skip = llvmMissing();

function tsbpf(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const script = `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};
main(${JSON.stringify(args)}).then((code) => { process.exitCode = code; });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Several CLI runs in one child process (main()'s exit code, its stdout and stderr each), to keep the test fast. */
function tsbpfMany(runs: string[][]): Array<{ status: number; stdout: string; stderr: string }> {
  const script = `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};
const out = process.stdout.write.bind(process.stdout);
const results = [];
for (const args of ${JSON.stringify(runs)}) {
  const r = { status: 0, stdout: '', stderr: '' };
  process.stdout.write = (s) => { r.stdout += s; return true; };
  process.stderr.write = (s) => { r.stderr += s; return true; };
  process.exitCode = undefined;
  r.status = await main(args);
  results.push(r);
}
process.exitCode = 0;
out(JSON.stringify(results));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<{ status: number; stdout: string; stderr: string }>;
}

const fixture = join('test', 'fixtures', 'disasm', 'packet.v4.o');
// r0 = 1; if r0 > 2 goto +2; lddw r1, 0x1122334455667788; exit
const bin = Uint8Array.from(Buffer.from('b700000001000000' + '2500020002000000' + '1801000088776655' + '0000000044332211' + '9500000000000000', 'hex'));
const binPath = join(dir, 'prog.bin');
writeFileSync(binPath, bin);

describe('tsbpf disasm', () => {
  it('prints an object as llvm-objdump-19 -d does', () => {
    const r = tsbpf('disasm', fixture);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\ntest\/fixtures\/disasm\/packet\.v4\.o:\tfile format elf64-bpf\n\nDisassembly of section \.text:\n/);
    assert.match(r.stdout, /\n0000000000000000 <parse>:\n/);
    if (!skip) assert.deepEqual(lineDiff(r.stdout, objdump(fixture)), []);
  });

  it('--section, -r and --mcpu v4 follow llvm-objdump-19 -d -j xdp -r --mcpu=v4', { skip }, () => {
    const r = tsbpf('disasm', fixture, '--section', 'xdp', '-r', '--mcpu', 'v4');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /R_BPF_64_64\tper_source\n/);
    assert.deepEqual(lineDiff(r.stdout, objdump(fixture, '-j', 'xdp', '-r', '--mcpu=v4')), []);
  });

  it('prints raw bytecode as the instruction lines llvm-objdump-19 prints for the same bytes', () => {
    const r = tsbpf('disasm', binPath);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, [
      '       0:\tb7 00 00 00 01 00 00 00\tr0 = 0x1',
      '       1:\t25 00 02 00 02 00 00 00\tif r0 > 0x2 goto +0x2 <.text+0x20>',
      '       2:\t18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11\tr1 = 0x1122334455667788 ll',
      '       4:\t95 00 00 00 00 00 00 00\texit',
      '',
    ].join('\n'));
    if (!skip) {
      const object = objectFromBytes(dir, 'bin', [{ name: '.text', bytes: bin }]);
      const lines = objdump(object).split('\n').slice(6).join('\n');
      assert.equal(r.stdout, lines);
    }
  });

  it('a section named twice lists both; one that does not exist is a warning, as llvm-objdump gives it', () => {
    const [both, absent] = tsbpfMany([['disasm', fixture, '--section', 'xdp', '--section', '.text'], ['disasm', fixture, '--section', 'nope']]);
    assert.equal(both.status, 0, both.stderr);
    if (!skip) assert.equal(both.stdout, objdump(fixture, '--section=xdp', '--section=.text'));
    assert.equal(absent.status, 0);
    assert.match(absent.stderr, /warning: no section named 'nope' in .* \(code sections: \.text, xdp\)/);
    if (!skip) assert.equal(absent.stdout, objdump(fixture, '--section=nope'));
  });

  it('refuses bad input with a clear message and exit 2', () => {
    const odd = join(dir, 'odd.bin');
    writeFileSync(odd, bin.subarray(0, 13));
    const corrupt = join(dir, 'corrupt.o');
    writeFileSync(corrupt, Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]));
    const cases: Array<[string[], RegExp]> = [
      [[odd], /odd\.bin: neither an ELF object nor raw bytecode \(13 bytes is not a multiple of 8\)/],
      [[binPath, '--section', 'xdp'], /raw bytecode has no sections/],
      [[join(dir, 'missing.o')], /cannot read .*missing\.o/],
      [[corrupt], /ELF header .*too short/],
    ];
    const results = tsbpfMany(cases.map(([args]) => ['disasm', ...args]));
    cases.forEach(([args, message], i) => {
      const r = results[i];
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    });
  });
});
