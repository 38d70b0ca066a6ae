// Loaded before every test file (scripts/run-tests.js): property tests draw
// from one fixed seed, so a CI run is reproducible and a failure is the code's,
// not the draw's. TSBPF_SEED picks another (scripts/verifier-soak.ts passes a
// fresh one each run to keep exploring).
import fc from 'fast-check';

const seed = Number(process.env.TSBPF_SEED ?? 0x7b9f);
if (!Number.isInteger(seed)) throw new Error(`TSBPF_SEED must be an integer, not ${process.env.TSBPF_SEED}`);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
