#!/usr/bin/env node
import { exitQuietlyOnClosedPipe } from '../dist/cli/closed-pipe.js';
import { main } from '../dist/cli/main.js';

exitQuietlyOnClosedPipe();

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`tsbpf: internal error: ${err?.stack ?? err}\n`); process.exitCode = 1; },
);
