// npm run bench: every benchmark section, one after the other, each printing
// its own table. Sections are functions returning text; add yours to the list.
import { runComputeBench } from './compute.js';
import { runHooksBench } from './hooks.js';
import { runJitBench } from './jit.js';
import { runMapBench } from './maps.js';
import { runVerifierBench } from './verifier.js';

const sections: Array<{ title: string; run: () => string | Promise<string> }> = [
  { title: 'Compute: interpreter and JIT beside the kernel', run: () => runComputeBench() },
  { title: 'Map-heavy programs: interpreter and JIT beside the kernel', run: () => runMapBench() },
  { title: 'JIT: compile time, checked mode, helper calls', run: () => runJitBench() },
  { title: 'Verifier: tsbpf beside the kernel\'s BPF_PROG_LOAD', run: () => runVerifierBench() },
  { title: 'Hooks: overhead on a live HTTP server, per event, XDP over a capture', run: () => runHooksBench() },
];

const started = performance.now();
for (const { title, run } of sections) {
  console.log(`== ${title}\n`);
  console.log(await run());
  console.log('');
}
console.log(`(bench took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
