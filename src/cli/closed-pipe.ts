/**
 * Ends the process quietly when the reader of its output goes away
 * (`tsbpf disasm x.o | head`), as other command-line tools do, instead of
 * an unhandled EPIPE error.
 */
export function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(Number(process.exitCode ?? 0));
      throw err;
    });
  }
}
