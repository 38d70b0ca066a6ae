// Run by kernel-api.test.ts under another user: prints the probe's skip reason as JSON.
import { kernelSkipReason } from '../support/kernel.js';

console.log(JSON.stringify(kernelSkipReason() ?? null));
