// `tsbpf asm FILE.s [-o OUT.bin]`, run as a real process through the CLI's main().
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'tsbpf-asm-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function tsbpf(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const script = `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};
main(${JSON.stringify(args)}).then((code) => { process.exitCode = code; });`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tsbpf asm', () => {
  const source = join(dir, 'prog.s');
  writeFileSync(source, 'mov %r0, 1        # the suite\nr0 += 0x2         ; LLVM\nlddw %r1, 0x1122334455667788\nexit\n');

  it('prints one hex word per slot without -o', () => {
    const r = tsbpf('asm', source);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, ['0x00000001000000b7', '0x0000000200000007', '0x5566778800000118', '0x1122334400000000', '0x0000000000000095', ''].join('\n'));
  });

  it('writes the bytecode with -o', () => {
    const out = join(dir, 'prog.bin');
    const r = tsbpf('asm', source, '-o', out);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(out).toString('hex'),
      'b700000001000000' + '0700000002000000' + '1801000088776655' + '0000000044332211' + '9500000000000000');
  });

  it('reports FILE:LINE:COL: reason and exits 2 on bad assembly, 2 on a missing file', () => {
    const bad = join(dir, 'bad.s');
    writeFileSync(bad, 'mov %r0, 1\nexit\nor %r0, %r11\n');
    const r = tsbpf('asm', bad);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${bad}:3:9: invalid register '%r11' (registers are r0..r10)\n`);
    const missing = tsbpf('asm', join(dir, 'missing.s'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*missing\.s/);
  });
});
