import fc from 'fast-check';
import { createJit } from '../src/engine/jit/index.js';
import { outcomeOf } from '../test/support/engine-outcome.js';
import { WILD_BUDGET, wildHelpers, wildProgram } from '../test/support/wild-program.js';
import { Arena } from '../src/memory/arena.js';
const kinds = new Map<string, number>();
let irreducible = 0, fns = 0;
for (const p of fc.sample(wildProgram(), { numRuns: 3000, seed: 5 })) {
  const o = outcomeOf(createJit, p.insns, p.mem, { budget: WILD_BUDGET, helpers: wildHelpers() });
  const k = o.result.startsWith('0x') ? 'value' : o.result.replace(/:.*?pc \d+: /, ': ').replace(/0x[0-9a-f]+/g, 'X').replace(/\d+/g, 'N').slice(0, 90);
  kinds.set(k, (kinds.get(k) ?? 0) + 1);
  try { const j = createJit({ insns: p.insns }, { arena: new Arena(), helpers: wildHelpers(), budget: 10 }); irreducible += j.stats.irreducible; fns += j.stats.functions; } catch {}
}
console.log([...kinds].sort((a, b) => b[1] - a[1]));
console.log({ irreducible, fns });
