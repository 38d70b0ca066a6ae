// Runs only the verifier section of the bench: node --import tsx bench/verifier-main.ts
import { runVerifierBench } from './verifier.js';

console.log(runVerifierBench());
