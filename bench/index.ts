// npm run bench: every benchmark section, one after the other, each printing
// its own table. Sections are functions returning text; add yours to the list.
import { runComputeBench } from './compute.js';
import { runJitBench } from './jit.js';

const sections: Array<{ title: string; run: () => string }> = [
  { title: 'Compute: interpreter beside the kernel', run: () => runComputeBench() },
  { title: 'JIT: compile time, checked mode, helper calls', run: () => runJitBench() },
];

for (const { title, run } of sections) {
  console.log(`== ${title}\n`);
  console.log(run());
  console.log('');
}
