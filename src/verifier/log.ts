/**
 * The verifier log (struct bpf_verifier_log): text that can be cut back to an
 * earlier position, which is how level 1 keeps only the failing path and how
 * the register state is appended to an instruction's line.
 */
export class VerifierLog {
  private chunks: string[] = [];
  private length = 0;

  constructor(readonly level: number) {}

  get enabled(): boolean {
    return this.level > 0;
  }

  /** Current end position in characters. */
  get endPos(): number {
    return this.length;
  }

  write(text: string): void {
    if (this.level === 0 || text.length === 0) return;
    this.chunks.push(text);
    this.length += text.length;
  }

  /** Cuts the log back to `pos` characters (bpf_vlog_reset). */
  reset(pos: number): void {
    if (pos >= this.length) return;
    while (this.chunks.length > 0 && this.length - this.chunks[this.chunks.length - 1].length >= pos) {
      this.length -= this.chunks.pop()!.length;
    }
    if (this.length > pos) {
      const last = this.chunks.pop()!;
      const keep = last.length - (this.length - pos);
      this.chunks.push(last.slice(0, keep));
      this.length = pos;
    }
  }

  toString(): string {
    const s = this.chunks.join('');
    this.chunks = s.length > 0 ? [s] : [];
    return s;
  }
}

/** Column at which `; <state>` starts after an instruction (vlog_alignment). */
export function vlogAlignment(pos: number): number {
  const BPF_LOG_ALIGNMENT = 40;
  const BPF_LOG_MIN_ALIGNMENT = 8;
  const v = Math.max(pos + BPF_LOG_MIN_ALIGNMENT / 2, BPF_LOG_ALIGNMENT);
  return Math.ceil(v / BPF_LOG_MIN_ALIGNMENT) * BPF_LOG_MIN_ALIGNMENT - pos - 1;
}
