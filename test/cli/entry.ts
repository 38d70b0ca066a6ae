// Runs the CLI from source (through tsx), as bin/tsbpf.js runs it from dist/.
import { exitQuietlyOnClosedPipe } from '../../src/cli/closed-pipe.js';
import { main } from '../../src/cli/main.js';

exitQuietlyOnClosedPipe();

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`tsbpf: internal error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
