// The verifier's entry point: check a program as the kernel's bpf_check does
// and report the verdict, the refusal (kernel wording, instruction index) and
// the log.
import type { CtxReadRanges } from './ctx-reads.js';
import { decodeRaw } from '../isa/encoding.js';
import type { Instruction } from '../isa/instruction.js';
import type { HelperProto } from '../helpers/proto.js';
import type { ProgTypeName } from '../progtypes/prog-types.js';
import { checkCfg } from './cfg.js';
import { COMPLEXITY_LIMIT_INSNS, doCheck } from './do-check.js';
import { VerifierEnv } from './env.js';
import { VerifierError, type VerifierErrno } from './errors.js';
import { kernelInsnText } from './kernel-disasm.js';
import { computeLiveRegs } from './liveness.js';
import { normalizeMap, type MapDesc } from './maps.js';
import { progTypeRules, rulesForAttachType, type ProgTypeRules } from './prog-type-rules.js';
import { resolveInsns } from './resolve-insns.js';
import { checkMaxStackDepth } from './stack-depth.js';
import { computeSccBoth } from './scc.js';
import { computeEdges } from './cfg-edges.js';
import { checkSubprogs, findSubprogs } from './subprogs.js';
import { newFrame } from './check-subprog.js';
import { VerifierState } from './verifier-state.js';
import { PTR_MAYBE_NULL, RegType } from './reg-type.js';
import type { GlobalFunc } from './global-funcs.js';
import { markKnown, markScalarUnknown } from './bounds.js';
import { defaultHelperProto } from './helper-protos.js';
import { CHECK_STATES, checkDigest, checkSharedRegs } from './state-digest.js';

export interface VerifyOptions {
  /** Program type by the kernel's name (`socket_filter`, `xdp`, ...) or number. */
  readonly progType: ProgTypeName | string | number;
  /** Maps referenced by lddw (BPF_PSEUDO_MAP_FD/IDX: imm is the index here). */
  readonly maps?: readonly MapDesc[];
  /** Apply the rules for loaders without CAP_BPF/CAP_PERFMON. */
  readonly unprivileged?: boolean;
  /** 0: no log, 1: the failing path, 2: every instruction with its state. */
  readonly logLevel?: 0 | 1 | 2;
  /** Source lines (BTF line_info), printed as `; <line>` in the log. */
  readonly lineInfo?: readonly { readonly insn: number; readonly lineText: string }[];
  /** The program has BTF func_info (required for callbacks, as the kernel requires). */
  readonly funcInfo?: boolean;
  /** Rules to use instead of those of `progType` (custom contexts, tsbpf's own hook types). */
  readonly rules?: ProgTypeRules;
  /** The program's global functions (from its BTF), verified on their own as the kernel does. */
  readonly globalFuncs?: readonly GlobalFunc[];
  /** Loaded with BPF_F_SLEEPABLE (default: syscall programs, which the kernel loads only so). */
  readonly sleepable?: boolean;
  /** The expected attach type (`BPF_CGROUP_INET_EGRESS`...), which narrows some types' rules, as the kernel's. */
  readonly expectedAttachType?: string | null;
  /**
   * Instructions processed before giving up (the kernel's 1,000,000). Lower
   * it to bound the time spent on a program; the refusal says the same.
   */
  readonly complexityLimit?: number;
  /** Helper prototypes; default: tsbpf's helper table. */
  readonly helpers?: (id: number) => HelperProto | undefined;
}

export interface VerifierStats {
  /** Instructions processed over all paths (the kernel's insn_processed). */
  readonly processed: number;
  readonly maxStatesPerInsn: number;
  readonly totalStates: number;
  readonly peakStates: number;
  /** Stack bytes each sub-program uses. */
  readonly stackDepth: readonly number[];
  /** Wall-clock time of the verification in microseconds. */
  readonly timeUs: number;
  /**
   * One past the last context byte any access touches (the kernel's
   * max_ctx_offset): attaching to a hook whose context is smaller fails.
   */
  readonly maxCtxOffset: number;
  /** The context bytes the program may read, null for any (see ctx-reads.ts): hooks build only these. */
  readonly ctxReads: CtxReadRanges;
}

export interface VerifierResult {
  readonly verdict: 'accept' | 'reject';
  /** The refusal in the kernel's words (its first line). */
  readonly error?: string;
  /** Every line the verifier gave for the refusal. */
  readonly errorLines?: readonly string[];
  /** Instruction at fault, when there is one. */
  readonly insn?: number;
  readonly errno?: VerifierErrno;
  readonly processed: number;
  readonly log: string;
  readonly stats: VerifierStats;
  /**
   * Instruction slots no path reaches (accepted programs only): an engine
   * should run sanitizeDeadCode(insns, deadCode), as the kernel does.
   */
  readonly deadCode?: readonly number[];
  /**
   * Stores into the context of an accepted program: instruction index →
   * ctx offset. Engines whose context is plain memory narrow the stores the
   * kernel narrows (narrowCtxStores in src/progtypes).
   */
  readonly ctxStores?: ReadonlyMap<number, number>;
  /** Loads from the context (instruction → ctx offset), for the narrow loads the kernel converts (alignNarrowCtxLoads). */
  readonly ctxLoads?: ReadonlyMap<number, number>;
}

/** The kernel's BPF_MAXINSNS for unprivileged loaders. */
const BPF_MAXINSNS = 4096;
/** The only program types bpf_prog_load lets a loader without CAP_BPF load. */
const UNPRIVILEGED_TYPES: ReadonlySet<ProgTypeName> = new Set(['socket_filter', 'cgroup_skb']);

/**
 * A global function's first state: its arguments as its prototype describes
 * them (do_check_common for a sub-program).
 */
function globalFuncEntryState(env: VerifierEnv, subprog: number, fn: GlobalFunc): VerifierState {
  const st = new VerifierState();
  const f = newFrame(0, -1, subprog);
  fn.args.forEach((arg, i) => {
    const reg = f.reg(i + 1);
    if (arg.kind === 'scalar') {
      markScalarUnknown(reg);
      return;
    }
    markKnown(reg, 0n);
    if (arg.kind === 'ctx') {
      reg.type = RegType.PTR_TO_CTX;
      return;
    }
    reg.type = RegType.PTR_TO_MEM | (arg.nullable ? PTR_MAYBE_NULL : 0);
    reg.memSize = arg.size;
    if (arg.nullable) reg.id = ++env.idGen;
  });
  st.frames = [f];
  return st;
}

/**
 * do_check_subprogs: each global function that a verified path calls is
 * verified on its own, from a clean slate, until none is left.
 */
function verifyCalledGlobalFuncs(env: VerifierEnv): void {
  for (let again = true; again;) {
    again = false;
    for (const [subprog, g] of env.globalFuncs) {
      if (!g.called || g.verified) continue;
      env.forgetCheckpoints();
      env.insnIdx = env.subprogs[subprog].start;
      env.prevInsnIdx = env.nextPrevInsnIdx = -1;
      env.verbose(`Validating ${g.fn.name}() func#${subprog}...\n`);
      env.cur = globalFuncEntryState(env, subprog, g.fn);
      env.markAllScratched();
      doCheck(env);
      if (env.log.enabled) env.verbose(`Func#${subprog} ('${g.fn.name}') is safe for any args that match its prototype\n`);
      g.verified = true;
      again = true;
    }
  }
}

function initialState(): VerifierState {
  const st = new VerifierState();
  const f = newFrame(0, -1, 0);
  const r1 = f.reg(1);
  r1.type = RegType.PTR_TO_CTX;
  markKnown(r1, 0n);
  r1.type = RegType.PTR_TO_CTX;
  st.frames = [f];
  return st;
}

/**
 * Verifies a program (instructions, or raw little-endian bytecode). Never
 * throws for a bad program: the result says why it was refused.
 */
export function verify(program: readonly Instruction[] | Uint8Array, options: VerifyOptions): VerifierResult {
  const start = process.hrtime.bigint();
  const insns = program instanceof Uint8Array ? decodeRaw(program) : program;
  const typeRules = options.rules ?? progTypeRules(options.progType);
  if (!typeRules) throw new TypeError(`no verifier rules for program type ${String(options.progType)}`);
  const rules = rulesForAttachType(typeRules, options.expectedAttachType);
  const maps = (options.maps ?? []).map(normalizeMap);
  const logLevel = options.logLevel ?? 0;
  const helpers = options.helpers ?? defaultHelperProto;
  let env: VerifierEnv | undefined;
  let logText = '';
  const stats = (): VerifierStats => ({
    processed: env?.insnProcessed ?? 0,
    maxStatesPerInsn: env?.maxStatesPerInsn ?? 0,
    totalStates: env?.totalStates ?? 0,
    peakStates: env?.peakStates ?? 0,
    stackDepth: env?.subprogs.map((s) => s.stackDepth) ?? [],
    maxCtxOffset: env?.maxCtxOffset ?? 0,
    ctxReads: env ? env.ctxReads.result() : null,
    timeUs: Number((process.hrtime.bigint() - start) / 1000n),
  });
  const statsLine = (): string => {
    const s = stats();
    return `processed ${s.processed} insns (limit 1000000) max_states_per_insn ${s.maxStatesPerInsn} total_states ${s.totalStates} peak_states ${s.peakStates} mark_read 0\n`;
  };
  const preLog: string[] = [];
  try {
    if (insns.length === 0 || insns.length > (options.unprivileged ? BPF_MAXINSNS : 1_000_000)) {
      throw new VerifierError(`program of ${insns.length} instructions is too large or empty`, -1, 'E2BIG');
    }
    if (options.unprivileged && !UNPRIVILEGED_TYPES.has(rules.name)) {
      throw new VerifierError(`program type ${rules.name} needs CAP_BPF: without it only socket_filter and cgroup_skb programs load`, -1, 'EPERM');
    }
    const subprogs = findSubprogs(insns);
    if (options.unprivileged && subprogs.length > 1) {
      throw new VerifierError('loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN', -1, 'EPERM');
    }
    if (logLevel >= 2) for (let i = 0; i < subprogs.length; i++) preLog.push(`func#${i} @${subprogs[i].start}\n`);
    checkSubprogs(insns, subprogs);
    resolveInsns(insns, maps, rules.name);
    const cfg = checkCfg(insns, !options.unprivileged);
    const argCount = (id: number): number | undefined => (rules.helperAllowed(id) ? helpers(id)?.args.length : undefined);
    const edges = computeEdges(insns);
    const live = computeLiveRegs(insns, argCount, edges);
    const scc = computeSccBoth(insns, edges);
    if (logLevel >= 2) preLog.push(liveRegsTable(insns, live, scc.withoutCallbacks));
    env = new VerifierEnv(insns, maps, rules, helpers, subprogs, cfg, live, logLevel, options.unprivileged ?? false,
      options.lineInfo ?? [], options.funcInfo ?? false, scc);
    env.log.write(preLog.join(''));
    env.complexityLimit = options.complexityLimit ?? COMPLEXITY_LIMIT_INSNS;
    env.sleepable = options.sleepable ?? rules.name === 'syscall';
    for (const fn of options.globalFuncs ?? []) {
      const subprog = subprogs.findIndex((sp) => sp.start === fn.start);
      if (subprog > 0) env.globalFuncs.set(subprog, { fn, called: false, verified: false });
    }
    env.cur = initialState();
    env.markAllScratched();
    doCheck(env);
    verifyCalledGlobalFuncs(env);
    if (CHECK_STATES) {
      for (const list of env.explored) for (const sl of list ?? []) checkDigest(sl.state, sl.state.digest, 'checkpoint');
      checkSharedRegs();
    }
    checkMaxStackDepth(env);
    env.log.write(statsLine());
    logText = env.log.toString();
    return { verdict: 'accept', processed: env.insnProcessed, log: logText, stats: stats(), deadCode: deadSlots(env), ctxStores: env.ctxStores, ctxLoads: env.ctxLoads };
  } catch (err) {
    if (!(err instanceof VerifierError)) throw err;
    let log = '';
    if (logLevel > 0) {
      if (env) {
        log = env.log.toString();
      } else {
        log = preLog.join('') + err.lines.map((l) => `${l}\n`).join('');
      }
      log += statsLine();
    }
    err.log = log;
    return {
      verdict: 'reject',
      error: err.reason,
      errorLines: err.lines,
      insn: err.insn >= 0 ? err.insn : undefined,
      errno: err.errno,
      processed: env?.insnProcessed ?? 0,
      log,
      stats: stats(),
    };
  }
}

/** Like verify(), but throws a VerifierError for a refused program. */
export function verifyOrThrow(program: readonly Instruction[] | Uint8Array, options: VerifyOptions): VerifierResult {
  const result = verify(program, options);
  if (result.verdict === 'reject') {
    const err = new VerifierError(result.error ?? 'verification failed', result.insn ?? -1, result.errno ?? 'EACCES');
    err.lines = [...(result.errorLines ?? [])];
    err.log = result.log;
    throw err;
  }
  return result;
}

function deadSlots(env: VerifierEnv): number[] {
  const dead: number[] = [];
  for (let i = 0; i < env.insns.length; i++) {
    const isLddw = env.insns[i].opcode === 0x18;
    if (!env.aux.seen[i]) {
      dead.push(i);
      if (isLddw) dead.push(i + 1);
    }
    if (isLddw) i++;
  }
  return dead;
}

/** The `Live regs before insn:` table of a level-2 log. */
function liveRegsTable(insns: readonly Instruction[], live: Uint16Array, scc: Uint32Array): string {
  let s = 'Live regs before insn:\n';
  for (let i = 0; i < insns.length; i++) {
    let bits = '';
    for (let r = 0; r < 10; r++) bits += live[i] & (1 << r) ? String(r) : '.';
    const loop = scc[i] ? `${String(scc[i]).padStart(3)} ` : '    ';
    s += `${loop}${String(i).padStart(3)}: ${bits} ${kernelInsnText(insns, i)}\n`;
    if (insns[i].opcode === 0x18) i++;
  }
  return s;
}
