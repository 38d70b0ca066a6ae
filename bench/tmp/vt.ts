import { verify } from '../../src/verifier/index.js';
import { loopProgram } from '../verifier.js';
const insns = loopProgram(136);
for (let r = 0; r < 3; r++) {
  let best = Infinity;
  for (let i = 0; i < 8; i++) { const t = performance.now(); verify(insns, { progType: 'socket_filter' }); best = Math.min(best, performance.now() - t); }
  console.log('best ms', best.toFixed(2));
}
