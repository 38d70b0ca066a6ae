import { runJitBench } from '../bench/jit.js';
console.log(runJitBench());
