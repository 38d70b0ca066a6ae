// The JIT's map fast paths against the helper calls and the interpreter,
// beyond npm test's counts: the same property tests
// (test/engine/jit-inline-*.test.ts) with their run counts multiplied.
//   node --import tsx scripts/fuzz-jit-inline.ts [scale, default 20]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const scale = process.argv[2] ?? '20';
const result = spawnSync(process.execPath, [join(root, 'scripts/run-tests.js'), 'test/engine/jit-inline'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TSBPF_INLINE_SCALE: scale },
});
process.exit(result.status ?? 1);
