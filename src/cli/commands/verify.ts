import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Command, Option } from 'commander';
import { applyObjectCoreRelocations, loadObjectSpec } from '../../elf/index.js';
import type { ObjectSpec } from '../../elf/object-spec.js';
import { assemble } from '../../isa/asm/index.js';
import { decodeRaw } from '../../isa/encoding.js';
import type { Instruction } from '../../isa/instruction.js';
import { vmCoreTarget } from '../../vm/core-target.js';
import { EXIT_FAIL, EXIT_USAGE } from '../exit-codes.js';
import {
  VERIFIABLE_PROG_TYPES, VerifyInputError, explainRefusal, progTypeRules, programVerifyOptions, verify,
  type VerifierResult,
} from '../../verifier/index.js';

interface VerifyCommandOptions {
  section?: string;
  program?: string;
  type?: string;
  logLevel: string;
  json?: boolean;
  unprivileged?: boolean;
  explain?: boolean;
  hooks?: boolean;
}

interface Outcome {
  readonly program: string;
  readonly type: string;
  readonly result: VerifierResult;
}

/** The programs judged, how many were selected (the JSON is a list when several were), and those whose type tsbpf cannot verify. */
interface Outcomes {
  readonly judged: Outcome[];
  readonly selected: number;
  readonly skipped: string[];
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const isElf = (bytes: Uint8Array): boolean => ELF_MAGIC.every((b, i) => bytes[i] === b);
const VMLINUX = '/sys/kernel/btf/vmlinux';

function checkType(type: string | undefined): void {
  if (type !== undefined && !progTypeRules(type)) {
    throw new VerifyInputError(`unknown or unsupported program type '${type}' (known: ${VERIFIABLE_PROG_TYPES.join(', ')})`);
  }
}

function verifyElf(path: string, options: VerifyCommandOptions, logLevel: 0 | 1 | 2): Outcomes {
  const spec: ObjectSpec = loadObjectSpec(path);
  const programs = spec.programs.filter((p) =>
    (options.section === undefined || p.section === options.section) &&
    (options.program === undefined || p.name === options.program));
  if (programs.length === 0) {
    const what = options.program !== undefined ? `program ${options.program}` : options.section !== undefined ? `section ${options.section}` : 'programs';
    throw new VerifyInputError(`${path}: no ${what} (has: ${spec.programs.map((p) => `${p.name} in ${p.section}`).join(', ') || 'none'})`);
  }
  // As the VM relocates: tsbpf's hook context types from its own BTF, the rest from the kernel's.
  if (spec.programs.some((p) => p.coreRelos.length > 0) && existsSync(VMLINUX)) applyObjectCoreRelocations(spec, vmCoreTarget);
  const judged: Outcome[] = [];
  const skipped: string[] = [];
  for (const p of programs) {
    const opts = programVerifyOptions(p, spec, { type: options.type, logLevel, unprivileged: options.unprivileged, hookContexts: options.hooks });
    if (!progTypeRules(opts.progType)) {
      const why = `${path}: program ${p.name} in section ${p.section} has type '${opts.progType}', which tsbpf cannot verify`;
      // One program alone is bad input; beside others (bcc's tools pair tp_btf with raw_tp programs) it is left out, and said.
      if (programs.length === 1) throw new VerifyInputError(`${why}; pass --type`);
      skipped.push(why);
      continue;
    }
    judged.push({ program: p.name, type: String(opts.progType), result: verify(p.insns, opts) });
  }
  if (judged.length === 0) throw new VerifyInputError(`${skipped.join('\n')}\n(no program left to verify; pass --type)`);
  return { judged, selected: programs.length, skipped };
}

function readInsns(path: string, bytes: Uint8Array): Instruction[] {
  const ext = extname(path);
  if (ext === '.s' || ext === '.asm') return assemble(new TextDecoder().decode(bytes));
  if (bytes.length % 8 !== 0) throw new VerifyInputError(`${path}: raw bytecode of ${bytes.length} bytes is not a multiple of 8`);
  return decodeRaw(bytes);
}

/**
 * `tsbpf verify OBJ [--section S | --program NAME] [--type T] [--log-level 0|1|2]
 * [--json] [--unprivileged] [--explain] [--hooks]`: the kernel's verdict on every
 * program of an ELF object (or raw bytecode / assembly with --type), with the
 * kernel-style log. Exit 0 when all are accepted, 1 when any is refused,
 * 2 on bad input (or when programs of types tsbpf cannot verify were left
 * out of an object and the others were all accepted).
 */
export function register(program: Command): void {
  program
    .command('verify')
    .description('verify eBPF programs as the Linux kernel\'s verifier does')
    .argument('<obj>', 'ELF object (.o), raw bytecode (.bin) or assembly (.s)')
    .option('--section <name>', 'only the programs of this ELF section')
    .option('--program <name>', 'only the program (function) of this name')
    .option('--type <type>', 'program type (socket_filter, xdp, sched_cls, kprobe, ...): needed for raw bytecode')
    .addOption(new Option('--log-level <n>', 'verifier log: 0 none, 1 the failing path, 2 every instruction').choices(['0', '1', '2']).default('1'))
    .option('--json', 'print {"verdict","error","insn","processed"} (a list with "program" for several)')
    .option('--unprivileged', 'apply the rules for loaders without CAP_BPF / CAP_PERFMON')
    .option('--explain', 'say in plain words why a program is refused and what check to add')
    .option('--hooks', 'verify for tsbpf\'s user-space hooks, as loadObject and `tsbpf attach` do: a section naming one of them (uprobe/, perf_event, tracepoint/node/, tracepoint/syscalls/) gets that hook\'s context')
    .action((path: string, options: VerifyCommandOptions) => {
      checkType(options.type);
      const logLevel = Number(options.logLevel) as 0 | 1 | 2;
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(path));
      } catch (err) {
        throw new VerifyInputError(`cannot read ${path}: ${(err as Error).message}`);
      }
      let run: Outcomes;
      if (isElf(bytes)) {
        run = verifyElf(path, options, logLevel);
      } else {
        if (options.type === undefined) throw new VerifyInputError(`${path}: raw bytecode needs --type (e.g. --type socket_filter)`);
        if (options.section !== undefined || options.program !== undefined) {
          throw new VerifyInputError(`${path}: raw bytecode has no sections or programs to select`);
        }
        const insns = readInsns(path, bytes);
        run = { judged: [{ program: path, type: options.type, result: verify(insns, { progType: options.type, logLevel, unprivileged: options.unprivileged }) }], selected: 1, skipped: [] };
      }
      const outcomes = run.judged;
      for (const why of run.skipped) process.stderr.write(`tsbpf verify: ${why}: left out\n`);
      if (options.json) {
        const objects = outcomes.map((o) => ({
          ...(run.selected > 1 ? { program: o.program } : {}),
          verdict: o.result.verdict,
          error: o.result.error ?? null,
          insn: o.result.insn ?? null,
          processed: o.result.processed,
          ...(options.explain && o.result.error ? { explanation: explainRefusal(o.result.error) ?? null } : {}),
        }));
        process.stdout.write(`${JSON.stringify(run.selected > 1 ? objects : objects[0])}\n`);
      } else {
        for (const o of outcomes) {
          const r = o.result;
          if (logLevel > 0 && (r.verdict === 'reject' || logLevel === 2)) process.stdout.write(r.log);
          if (r.verdict === 'accept') {
            process.stdout.write(`${o.program} (${o.type}): accepted, ${r.processed} insns processed\n`);
          } else {
            const at = r.insn !== undefined ? ` at insn ${r.insn}` : '';
            process.stdout.write(`${o.program} (${o.type}): rejected${at}: ${r.error}\n`);
            const why = options.explain && r.error ? explainRefusal(r.error) : undefined;
            if (why) process.stdout.write(`  explanation: ${why}\n`);
          }
        }
      }
      // Any refusal is the answer (1); else programs left out mean the object could not be judged whole (2).
      if (outcomes.some((o) => o.result.verdict === 'reject')) process.exitCode = EXIT_FAIL;
      else if (run.skipped.length > 0) process.exitCode = EXIT_USAGE;
    });
}
