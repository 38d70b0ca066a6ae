import { engineFactory } from '../../src/engine/select.js';
import { HELPER_TABLE } from '../../src/helpers/table.js';
import { Arena } from '../../src/memory/arena.js';
import { newHelperContext } from '../../src/engine/abi.js';
const arena = new Arena();
const insns = [{ opcode: 0xb7, dst: 0, src: 0, off: 0, imm: 0 }, { opcode: 0x95, dst: 0, src: 0, off: 0, imm: 0 }];
const exe = engineFactory('jit')({ insns }, { arena, helpers: HELPER_TABLE, checked: false });
const ctx = arena.pointer(arena.alloc(64, 8));
const env = newHelperContext(arena, ctx);
const args = [ctx];
for (let r = 0; r < 3; r++) {
  const N = 3e6; const t = performance.now();
  for (let i = 0; i < N; i++) exe.run(args, env);
  console.log('empty jit run', ((performance.now() - t) * 1e6 / N).toFixed(1), 'ns');
}
