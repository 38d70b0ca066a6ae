// Reading a kernel verifier log: where the refusal is.

/**
 * The lines that explain a refusal in a kernel verifier log: those after
 * the last instruction printed and before the statistics (the first is the
 * kernel's error message; state dumps such as "cur state:" may follow).
 */
export function errorBlock(log: string): string[] {
  // Some kernel messages lack their newline and run into the statistics line.
  const lines = log
    .replace(/(.)(processed \d+ insns \(limit)/g, '$1\n$2')
    // A path popped right after a branch leaves its line open: the refusal may follow on it.
    .replace(/^(\d+: \([0-9a-f]{2}\) .*?) (BPF program is too large\. .*|infinite loop detected at insn .*)$/gm, '$1\n$2')
    .split('\n');
  let end = lines.findIndex((l) => l.startsWith('processed '));
  if (end < 0) end = lines.length;
  const body = lines.slice(0, end);
  let last = -1;
  for (let i = 0; i < body.length; i++) if (/^\d+: (\([0-9a-f]{2}\) |BUG_)/.test(body[i])) last = i;
  // The frames a call prints after its instruction are not part of a refusal
  // that comes at the callee's first instruction.
  let from = last + 1;
  for (;;) {
    if (body[from] === 'caller:' || body[from] === 'callee:') from += 2;
    else break;
  }
  return body.slice(from).filter((l) => l.length > 0);
}

/**
 * The kernel's error message in a refusal's log: the first line of the
 * error block; where no instruction was printed (a refusal before the
 * walk) or nothing follows the last one, the log's last line before the
 * statistics.
 */
export function errorLine(log: string): string | undefined {
  const block = errorBlock(log);
  if (block.length > 0 && /^\d+: \([0-9a-f]{2}\) /m.test(log)) return block[0].trim();
  return log.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('processed ')).at(-1);
}
