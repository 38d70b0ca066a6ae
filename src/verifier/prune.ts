// State pruning (is_state_visited): at prune points the current state is
// compared with the checkpoints stored there. A checkpoint whose paths were
// all explored and that is at least as general as the current state proves
// the current path safe; a checkpoint still being explored that equals it
// exactly means the program loops forever.
import type { VerifierEnv } from './env.js';
import { BPF_REG_SIZE, FuncState, SlotType } from './func-state.js';
import { printVerifierState } from './do-check-log.js';
import { RegState } from './reg-state.js';
import { RegType, baseType } from './reg-type.js';
import { sle, ule } from './i64.js';
import type { VerifierState } from './verifier-state.js';
import { propagatePrecision } from './precision.js';
import type { ExploredState } from './env.js';
import { CHECK_STATES, checkDigest, stateDigest } from './state-digest.js';
import { cleanLiveStates } from './clean-states.js';

/**
 * Old-to-current id correspondences made while comparing two states (struct
 * bpf_idmap): pairs in two parallel arrays, reset before each comparison.
 */
export class IdMap {
  private readonly olds: number[] = [];
  private readonly curs: number[] = [];
  private count = 0;
  private tmp = 0x40000000;

  reset(): this {
    this.count = 0;
    this.tmp = 0x40000000;
    return this;
  }

  check(oldId: number, curId: number): boolean {
    if (!!oldId !== !!curId) return false;
    if (oldId === 0) return true;
    const n = this.count;
    for (let i = 0; i < n; i++) {
      if (this.olds[i] === oldId) return this.curs[i] === curId;
      if (this.curs[i] === curId) return false;
    }
    this.olds[n] = oldId;
    this.curs[n] = curId;
    this.count = n + 1;
    return true;
  }

  checkScalar(oldId: number, curId: number): boolean {
    if (!oldId) return true;
    return this.check(oldId, curId || ++this.tmp);
  }
}

/** The id map statesEqual uses (comparisons never nest). */
const IDMAP = new IdMap();

function rangeWithin(o: RegState, c: RegState): boolean {
  return ule(o.uminHi, o.uminLo, c.uminHi, c.uminLo) && ule(c.umaxHi, c.umaxLo, o.umaxHi, o.umaxLo) &&
    sle(o.sminHi, o.sminLo, c.sminHi, c.sminLo) && sle(c.smaxHi, c.smaxLo, o.smaxHi, o.smaxLo) &&
    o.u32min <= c.u32min && o.u32max >= c.u32max && o.s32min <= c.s32min && o.s32max >= c.s32max;
}

/** tnum_in(old var_off, cur var_off): every value cur's tnum allows is one old's allows. */
function tnumIn(o: RegState, c: RegState): boolean {
  if ((c.mHi & ~o.mHi) | (c.mLo & ~o.mLo)) return false;
  return o.vHi === (c.vHi & ~o.mHi) && o.vLo === (c.vLo & ~o.mLo);
}

/** memcmp of the fields before var_off (type, off, map/range/mem size, subprog). */
function headEqual(o: RegState, c: RegState): boolean {
  return o.type === c.type && o.off === c.off && o.map === c.map && o.range === c.range &&
    o.memSize === c.memSize && o.subprogno === c.subprogno;
}

/** memcmp of the fields before id (adds var_off and the bounds). */
function valueEqual(o: RegState, c: RegState): boolean {
  return headEqual(o, c) && o.addConst === c.addConst && o.vHi === c.vHi && o.vLo === c.vLo &&
    o.mHi === c.mHi && o.mLo === c.mLo &&
    o.sminHi === c.sminHi && o.sminLo === c.sminLo && o.smaxHi === c.smaxHi && o.smaxLo === c.smaxLo &&
    o.uminHi === c.uminHi && o.uminLo === c.uminLo && o.umaxHi === c.umaxHi && o.umaxLo === c.umaxLo &&
    o.s32min === c.s32min && o.s32max === c.s32max && o.u32min === c.u32min && o.u32max === c.u32max;
}

export function regsExact(o: RegState, c: RegState, idmap: IdMap): boolean {
  return valueEqual(o, c) && idmap.check(o.id, c.id) && idmap.check(o.refObjId, c.refObjId);
}

/**
 * regsafe: every value `cur` may hold is one `old` was explored with. With
 * `trustPrecision`, a scalar `old`'s exploration never needed exactly (not
 * precise) matches any scalar.
 */
function regsafe(o: RegState, c: RegState, idmap: IdMap, exact: boolean, trustPrecision = true): boolean {
  if (exact) return regsExact(o, c, idmap) && (o.type !== RegType.PTR_TO_STACK || o.frameno === c.frameno);
  if (o.type === RegType.NOT_INIT) return true;
  if (o.type !== c.type) return false;
  switch (baseType(o.type)) {
    case RegType.SCALAR_VALUE:
      if (trustPrecision && !o.precise) return true;
      if (o.id && (o.addConst !== c.addConst || (o.addConst && o.off !== c.off))) return false;
      return rangeWithin(o, c) && tnumIn(o, c) && idmap.checkScalar(o.id, c.id);
    case RegType.PTR_TO_MAP_KEY: case RegType.PTR_TO_MAP_VALUE: case RegType.PTR_TO_MEM:
    case RegType.PTR_TO_BUF: case RegType.PTR_TO_TP_BUFFER:
      return headEqual(o, c) && rangeWithin(o, c) && tnumIn(o, c) &&
        idmap.check(o.id, c.id) && idmap.check(o.refObjId, c.refObjId);
    case RegType.PTR_TO_PACKET_META: case RegType.PTR_TO_PACKET:
      if (o.range < 0 || c.range < 0) {
        if (o.range !== c.range) return false;
      } else if (o.range > c.range) {
        return false;
      }
      if (o.off !== c.off) return false;
      if (!idmap.check(o.id, c.id)) return false;
      return rangeWithin(o, c) && tnumIn(o, c);
    case RegType.PTR_TO_STACK:
      return regsExact(o, c, idmap) && o.frameno === c.frameno;
    default:
      return regsExact(o, c, idmap);
  }
}

/** An unknown scalar, imprecise: what a read of misc stack bytes gives. */
const UNBOUND_SCALAR = (() => {
  const r = new RegState();
  r.type = RegType.SCALAR_VALUE;
  return r;
})();

/**
 * scalar_reg_for_stack: the scalar a whole slot holds when read (a spilled
 * 64-bit scalar, or an unknown one for misc bytes), or null.
 */
function scalarRegForStack(env: VerifierEnv, f: FuncState, spi: number): RegState | null {
  const base = spi * BPF_REG_SIZE;
  const sp = f.spilled[spi];
  if (f.slotType[base] === SlotType.STACK_SPILL && sp && sp.type === RegType.SCALAR_VALUE) return sp;
  for (let j = 0; j < BPF_REG_SIZE; j++) {
    const t = f.slotType[base + j];
    if (t === SlotType.STACK_MISC || (t === SlotType.STACK_INVALID && env.allowUninitStack)) continue;
    return null;
  }
  return UNBOUND_SCALAR;
}

/** stacksafe: every stack byte `old` relied on holds in `cur` what it held in `old`, or less. */
function stacksafe(env: VerifierEnv, o: FuncState, c: FuncState, idmap: IdMap, exact: boolean, trust: boolean): boolean {
  const oAlloc = o.allocatedStack;
  const cAlloc = c.allocatedStack;
  const oTypes = o.slotType;
  const cTypes = c.slotType;
  const allowUninit = env.allowUninitStack;
  // The scalars a read of the current slot would give (computed once per slot).
  let slot = -1;
  let oreg: RegState | null = null;
  let creg: RegState | null = null;
  for (let i = 0; i < oAlloc; i++) {
    const im = i & (BPF_REG_SIZE - 1);
    const spi = i >> 3;
    const ot = oTypes[i];
    if (exact && (i >= cAlloc || ot !== cTypes[i])) return false;
    if (ot === SlotType.STACK_INVALID) continue;
    if (allowUninit && ot === SlotType.STACK_MISC) continue;
    if (i >= cAlloc) return false;
    // A 64-bit scalar spill against misc bytes, either way round: compared
    // as the scalars a read would give.
    if (slot !== spi) {
      slot = spi;
      oreg = scalarRegForStack(env, o, spi);
      creg = scalarRegForStack(env, c, spi);
    }
    if (oreg && creg) {
      if (!regsafe(oreg, creg, idmap, exact, trust)) return false;
      i += BPF_REG_SIZE - 1 - im;
      continue;
    }
    const ct = cTypes[i];
    if (ot === SlotType.STACK_MISC && ct === SlotType.STACK_ZERO) continue;
    if (ot !== ct) return false;
    if (im !== BPF_REG_SIZE - 1) continue;
    if (ot === SlotType.STACK_SPILL) {
      const os = o.spilled[spi];
      const cs = c.spilled[spi];
      if (!os || !cs || !regsafe(os, cs, idmap, exact, trust)) return false;
    }
  }
  return true;
}

function refsafe(o: VerifierState, c: VerifierState, idmap: IdMap): boolean {
  if (o.refs.length !== c.refs.length) return false;
  if ((o.activeLock === null) !== (c.activeLock === null)) return false;
  if (o.activeLock && c.activeLock && (o.activeLock.map !== c.activeLock.map || !idmap.check(o.activeLock.id, c.activeLock.id))) return false;
  for (let i = 0; i < o.refs.length; i++) if (!idmap.check(o.refs[i].id, c.refs[i].id)) return false;
  return true;
}

/** The instruction whose live registers matter for frame `i` of a state at insnIdx. */
function frameInsnIdx(st: VerifierState, i: number, insnIdx: number): number {
  return i === st.curframe ? insnIdx : st.frames[i + 1].callsite;
}

export function statesEqual(
  env: VerifierEnv, o: VerifierState, c: VerifierState, insnIdx: number, exact: boolean, trust = true,
): boolean {
  if (CHECK_STATES) checkDigest(o, o.digest, 'checkpoint');
  if (o.curframe !== c.curframe) return false;
  const idmap = IDMAP.reset();
  if (o.speculative && !c.speculative) return false;
  if (!refsafe(o, c, idmap)) return false;
  for (let i = 0; i <= o.curframe; i++) {
    const of = o.frames[i];
    const cf = c.frames[i];
    if (of.callsite !== cf.callsite) return false;
    if (of.callbackDepth > cf.callbackDepth) return false;
    const live = env.liveRegs[frameInsnIdx(o, i, insnIdx)] | (1 << 10);
    for (let r = 0; r < of.regs.length; r++) {
      if (!(live & (1 << r))) continue;
      if (!regsafe(of.regs[r], cf.regs[r], idmap, exact, trust)) return false;
    }
    if (!stacksafe(env, of, cf, idmap, exact, trust)) return false;
  }
  return true;
}

/** states_maybe_looping: the current frame's registers are identical. */
function statesMaybeLooping(o: VerifierState, c: VerifierState): boolean {
  if (o.curframe !== c.curframe) return false;
  const fo = o.frames[o.curframe];
  const fc = c.frames[c.curframe];
  for (let i = 0; i < fo.regs.length; i++) {
    const a = fo.regs[i];
    const b = fc.regs[i];
    if (!valueEqual(a, b) || a.id !== b.id || a.refObjId !== b.refObjId) return false;
  }
  return true;
}

/** The current path is pruned against the checkpoint `sl`. */
function hit(env: VerifierEnv, sl: ExploredState, cur: VerifierState, insnIdx: number, loop: boolean): void {
  sl.hitCnt++;
  // The backtracking starts here: this instruction's jump must be in the history.
  if (env.cfg.jmpPoints[insnIdx]) env.pushHistory();
  propagatePrecision(env, sl.state, cur, insnIdx);
  if (loop) {
    env.scc.addBackedge(env, sl.state, cur, insnIdx);
    env.updatePeakStates();
  }
}

/** BPF_COMPLEXITY_LIMIT_STATES, for unprivileged programs. */
const COMPLEXITY_LIMIT_STATES = 64;

/**
 * is_state_visited: true when the current path can stop here (an explored
 * state covers it); otherwise may store the current state as a checkpoint.
 */
export function isStateVisited(env: VerifierEnv, insnIdx: number): boolean {
  const cur = env.cur;
  const force = env.cfg.forceCheckpoints[insnIdx] === 1;
  // A long jump history forces a checkpoint, which starts a new one.
  let addNewState = force || cur.jmpHistoryCnt > 40;
  if (env.jmpsProcessed - env.prevJmpsProcessed >= 2 && env.insnProcessed - env.prevInsnProcessed >= 8) addNewState = true;

  const bucket = env.exploredBucket(insnIdx);
  let list = env.explored[bucket];
  let statesCnt = 0;
  if (list) {
    cleanLiveStates(env, list, insnIdx, cur);
    // Newest first, as the kernel adds checkpoints at the head of the list.
    for (let k = list.length - 1; k >= 0; k--) {
      const sl = list[k];
      statesCnt++;
      const old = sl.state;
      if (old.insnIdx !== insnIdx) continue;
      if (old.branches > 0) {
        // A checkpoint on the current path: the program is in a loop.
        if (force) {
          // A helper calling a callback (bpf_loop...) bounds the iterations
          // itself: a state inside one being explored adds nothing new. Its
          // precision marks are not final: compare every scalar, and keep
          // the path as a backedge of the loop.
          if (statesEqual(env, old, cur, insnIdx, false, false)) {
            hit(env, sl, cur, insnIdx, true);
            return true;
          }
        } else if (statesMaybeLooping(old, cur) && statesEqual(env, old, cur, insnIdx, true) &&
          old.callbackUnrollDepth === cur.callbackUnrollDepth) {
          env.verboseLinfo(insnIdx, '; ');
          env.note(`infinite loop detected at insn ${insnIdx}`);
          env.verbose('cur state:');
          printVerifierState(env, cur, cur.curframe, true);
          env.verbose('old state:');
          printVerifierState(env, old, cur.curframe, true);
          env.refuse('EINVAL');
        }
        if (!force && cur.jmpHistoryCnt <= 40 && env.jmpsProcessed - env.prevJmpsProcessed < 20 && env.insnProcessed - env.prevInsnProcessed < 100) {
          addNewState = false;
        }
      } else {
        // A checkpoint of a loop whose paths are not all explored has
        // unfinished precision marks: compare every scalar.
        const loop = env.scc.incompleteMarks(old);
        if (statesEqual(env, old, cur, insnIdx, false, !loop)) {
          hit(env, sl, cur, insnIdx, loop);
          return true;
        }
      }
      if (addNewState) sl.missCnt++;
      const n = force && old.branches > 0 ? 64 : 3;
      if (sl.missCnt > sl.hitCnt * n + n) {
        list.splice(k, 1);
        env.exploredCount--;
        // Kept (and counted) until no path still continues from it.
        if (old.branches > 0 || env.scc.incompleteMarks(old)) {
          old.inFreeList = true;
          env.freeListSize++;
        }
      }
    }
  }
  if (env.maxStatesPerInsn < statesCnt) env.maxStatesPerInsn = statesCnt;
  if (!env.privileged && statesCnt > COMPLEXITY_LIMIT_STATES) return false;
  if (!addNewState) return false;

  env.totalStates++;
  env.exploredCount++;
  env.updatePeakStates();
  env.prevJmpsProcessed = env.jmpsProcessed;
  env.prevInsnProcessed = env.insnProcessed;

  const checkpoint = cur.clone();
  checkpoint.insnIdx = insnIdx;
  checkpoint.branches = 1;
  if (CHECK_STATES) checkpoint.digest = stateDigest(checkpoint);
  if (!list) {
    list = [];
    env.explored[bucket] = list;
  }
  list.push({ state: checkpoint, hitCnt: 0, missCnt: 0 });
  env.scc.enter(env, checkpoint);
  cur.parent = checkpoint;
  cur.dfsDepth = checkpoint.dfsDepth + 1;
  cur.firstInsnIdx = insnIdx;
  cur.history = null;
  return false;
}
