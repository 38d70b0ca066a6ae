/** Something holding kernel objects that must be released when the process exits. */
export interface Closable {
  close(): void;
}

const live = new Set<Closable>();
let hooked = false;

/**
 * Registers an owner of kernel fds so that it is closed on process exit,
 * even when the program forgets to (the kernel would close the fds anyway;
 * closing them ourselves releases pinned state in order and runs owners'
 * own clean-up).
 */
export function closeOnExit(owner: Closable): void {
  live.add(owner);
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const o of [...live]) {
      try {
        o.close();
      } catch {
        // Exiting: nothing left to report to.
      }
    }
    live.clear();
  });
}

/** Called by an owner's close(). */
export function closedNormally(owner: Closable): void {
  live.delete(owner);
}
