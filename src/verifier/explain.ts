// Plain-words explanations of the kernel's refusal messages (`--explain`):
// what went wrong and the check or change that usually fixes it.

interface Rule {
  readonly pattern: RegExp;
  readonly explain: (m: RegExpExecArray) => string;
}

const RULES: readonly Rule[] = [
  {
    pattern: /^R(\d+) invalid mem access '(\w*_or_null)'/,
    explain: (m) => `r${m[1]} may be NULL here (${m[2]}). Compare it with 0 first, e.g. \`if (!p) return ...;\` after the lookup, and use it only on the non-NULL path.`,
  },
  {
    pattern: /^R(\d+) invalid mem access 'scalar'/,
    explain: (m) => `r${m[1]} holds a number, not a pointer the verifier knows, so it cannot be dereferenced. Load pointers from the context, a map lookup or the stack; do not build them from integers.`,
  },
  {
    pattern: /^R(\d+) invalid mem access '(\w+)'/,
    explain: (m) => `r${m[1]} is a ${m[2]} pointer, which programs may not load or store through.`,
  },
  {
    pattern: /^R(\d+) !read_ok/,
    explain: (m) => `r${m[1]} is read before anything was written to it on this path (remember that calls clobber r1-r5, and that exit needs r0 set).`,
  },
  {
    pattern: /^invalid read from stack/,
    explain: () => 'the stack bytes read were never written on this path. Initialise the buffer (e.g. `= {}` or memset) before reading it or passing it to a helper.',
  },
  {
    pattern: /^invalid (read from|write to) stack R\d+ off=(-?\d+) size=(\d+)/,
    explain: (m) => `the access of ${m[3]} bytes at fp${Number(m[2]) >= 0 ? '+' : ''}${m[2]} leaves the 512-byte stack frame.`,
  },
  {
    pattern: /^invalid access to map value, value_size=(\d+) off=(-?\d+) size=(\d+)/,
    explain: (m) => `the access of ${m[3]} bytes at offset ${m[2]} does not fit in the map value of ${m[1]} bytes. Check the index against the value size before using it (\`if (i >= N) return ...;\`).`,
  },
  {
    pattern: /^invalid access to packet, off=(-?\d+) size=(\d+)/,
    explain: (m) => `reading ${m[2]} bytes at packet offset ${m[1]} was not proven to stay before data_end. Compare the end of the access with data_end first: \`if (data + ${Number(m[1]) + Number(m[2])} > data_end) return ...;\`.`,
  },
  {
    pattern: /^R(\d+) (min|max) value is outside of the allowed memory range/,
    explain: (m) => `the ${m[2] === 'min' ? 'smallest' : 'largest'} value r${m[1]}'s offset may take goes outside the memory it points to. Bound the offset with a comparison or a mask before adding it.`,
  },
  {
    pattern: /^R(\d+) unbounded memory access/,
    explain: (m) => `nothing bounds the offset or size in r${m[1]}. Add an upper-bound check (\`if (len > MAX) return ...;\`) or mask it (\`len &= MAX - 1\`).`,
  },
  {
    pattern: /^R(\d+) min value is negative/,
    explain: (m) => `r${m[1]} may be negative. Use an unsigned type for the index or check \`if (i < 0) return ...;\` first.`,
  },
  {
    pattern: /^math between (\w+) pointer and register with unbounded min value is not allowed/,
    explain: (m) => `a value with no lower bound is added to a ${m[1]} pointer. Use an unsigned (or checked non-negative) offset.`,
  },
  {
    pattern: /^invalid bpf_context access off=(-?\d+) size=(\d+)/,
    explain: (m) => `this program type may not access its context at offset ${m[1]} with ${m[2]} bytes (the field does not exist for it, is read-only, or needs another access size).`,
  },
  {
    pattern: /^Unreleased reference id=(\d+) alloc_insn=(\d+)/,
    explain: (m) => `the object acquired at instruction ${m[2]} (for example a ring buffer record from bpf_ringbuf_reserve) is not released on some path. Submit or discard it on every path, including error paths.`,
  },
  {
    pattern: /^infinite loop detected at insn (\d+)/,
    explain: (m) => `the loop at instruction ${m[1]} comes back with exactly the same state, so it would never end. Make the loop variable change and be bounded.`,
  },
  {
    pattern: /^BPF program is too large/,
    explain: () => 'the verifier gave up after a million instructions: a loop bound it cannot prove, or too many paths. Use a constant loop bound, bpf_loop(), or simplify the branches.',
  },
  {
    pattern: /^back-edge from insn (\d+) to (\d+)/,
    explain: (m) => `instruction ${m[1]} jumps back to ${m[2]} (a loop); loops need CAP_BPF. Unroll it or load the program with privileges.`,
  },
  {
    pattern: /^unreachable insn (\d+)/,
    explain: (m) => `no path reaches instruction ${m[1]}. The kernel refuses dead code; remove it.`,
  },
  {
    pattern: /^At program exit the register R0 has .* should have been in \[(-?\d+), (-?\d+)\]/,
    explain: (m) => `this program type must return a value between ${m[1]} and ${m[2]}; make the return value provably fit (e.g. return constants, or mask it).`,
  },
  {
    pattern: /^program of this type cannot use helper (\w+)#(\d+)/,
    explain: (m) => `${m[1]} is not available to this program type; use another helper or another program type.`,
  },
  {
    pattern: /^R(\d+) type=(\w+) expected=(.*)/,
    explain: (m) => `argument r${m[1]} of the helper is a ${m[2]}, but the helper needs one of: ${m[3]}.`,
  },
  {
    pattern: /^R(\d+) leaks addr/,
    explain: (m) => `r${m[1]} holds a kernel pointer that an unprivileged program may not store or return.`,
  },
  {
    pattern: /^misaligned stack access/,
    explain: () => 'stack accesses must be aligned to their size (8-byte loads at offsets that are multiples of 8).',
  },
];

/** A plain-words explanation of a refusal, or undefined when none is known. */
export function explainRefusal(error: string): string | undefined {
  for (const rule of RULES) {
    const m = rule.pattern.exec(error);
    if (m) return rule.explain(m);
  }
  return undefined;
}
