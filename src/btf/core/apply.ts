import type { Instruction } from '../../isa/instruction.js';
import type { Btf } from '../btf.js';
import { BtfError, CoreRelocationError } from '../errors.js';
import * as R from '../ext.js';
import { enumValue, fieldValue, typeValue, CoreCalcError, type CoreValue } from './calc.js';
import { findCandidates } from './candidates.js';
import { typesAreCompatible } from './compat.js';
import { isEnumRelo, isFieldRelo, reloKindName } from './kinds.js';
import { matchEnumerator, matchFieldSpec } from './match.js';
import { patchInsn, poisonInsn } from './patch.js';
import { parseCoreSpec, type CoreSpec } from './spec.js';

export interface CoreRelocationInput {
  /** Instruction slot in `insns`. */
  readonly insn: number;
  readonly typeId: number;
  readonly accessString: string;
  readonly kind: number;
}

export interface CoreRelocationOutcome {
  readonly insn: number;
  readonly kind: string;
  /** Value the compiler assumed (local BTF). */
  readonly localValue: bigint;
  /** Value written, or null when the instruction was poisoned. */
  readonly targetValue: bigint | null;
  /** Target type id the relocation resolved to, if any. */
  readonly targetTypeId: number | null;
  readonly poisoned: boolean;
}

const EXISTENCE = new Set([R.BPF_CORE_FIELD_EXISTS, R.BPF_CORE_TYPE_EXISTS, R.BPF_CORE_ENUMVAL_EXISTS, R.BPF_CORE_TYPE_MATCHES]);

function valueOf(spec: CoreSpec, kind: number): CoreValue {
  if (isFieldRelo(kind)) return fieldValue(spec, kind);
  if (isEnumRelo(kind)) return enumValue(spec, kind);
  return typeValue(spec, kind);
}

function sizeAdjustable(a: CoreValue, b: CoreValue): boolean {
  const x = a.fieldType;
  const y = b.fieldType;
  if (x === undefined || y === undefined) return false;
  if (x.kind === 'ptr' && y.kind === 'ptr') return true;
  return x.kind === 'int' && y.kind === 'int' && !x.signed && !y.signed;
}

/**
 * Resolves each CO-RE relocation of a program against a target BTF and
 * patches the instructions in place (libbpf's bpf_core_apply_relo_insn):
 * candidates are target types with the same flavor-less name and kind; all
 * matching candidates must agree; a relocation nothing matches turns an
 * existence check into 0 and poisons any other instruction.
 */
export function applyCoreRelocations(insns: Instruction[], relos: readonly CoreRelocationInput[], local: Btf, target: Btf,
  program: string): CoreRelocationOutcome[] {
  return relos.map((relo) => {
    const fail = (reason: string): never => { throw new CoreRelocationError(program, relo.insn, reason); };
    if (relo.insn < 0 || relo.insn >= insns.length) fail(`instruction ${relo.insn} is outside the program (${insns.length})`);
    const kindName = reloKindName(relo.kind);
    let localSpec: CoreSpec;
    let localValue: CoreValue;
    try {
      localSpec = parseCoreSpec(local, relo.typeId, relo.accessString, relo.kind);
      localValue = valueOf(localSpec, relo.kind);
    } catch (e) {
      if (e instanceof BtfError || e instanceof CoreCalcError) return fail(`${kindName}: ${e.message}`);
      throw e;
    }
    let targetValue: CoreValue | null = null;
    let targetTypeId: number | null = null;
    if (relo.kind === R.BPF_CORE_TYPE_ID_LOCAL) {
      targetValue = localValue;
      targetTypeId = relo.typeId;
    } else {
      for (const cand of findCandidates(local, relo.typeId, target)) {
        let spec: CoreSpec | null;
        if (isFieldRelo(relo.kind)) spec = matchFieldSpec(localSpec, target, cand.id);
        else if (isEnumRelo(relo.kind)) spec = matchEnumerator(localSpec, target, cand.id);
        else spec = typesAreCompatible(local, relo.typeId, target, cand.id) ? { ...localSpec, btf: target, rootId: cand.id } : null;
        if (spec === null) continue;
        let v: CoreValue;
        try {
          v = valueOf(spec, relo.kind);
        } catch (e) {
          if (e instanceof CoreCalcError) continue;
          throw e;
        }
        if (targetValue !== null && targetValue.value !== v.value) {
          fail(`${kindName}: candidates [${targetTypeId}] and [${cand.id}] disagree (${targetValue.value} != ${v.value})`);
        }
        if (targetValue === null) { targetValue = v; targetTypeId = cand.id; }
      }
      if (targetValue === null && EXISTENCE.has(relo.kind)) targetValue = { value: 0n };
    }
    if (targetValue === null) {
      poisonInsn(insns, relo.insn);
      return { insn: relo.insn, kind: kindName, localValue: localValue.value, targetValue: null, targetTypeId: null, poisoned: true };
    }
    const result = patchInsn(insns, relo.insn, {
      orig: localValue.value,
      value: targetValue.value,
      ...(localValue.fieldSize === undefined ? {} : { origSize: localValue.fieldSize }),
      ...(targetValue.fieldSize === undefined ? {} : { newSize: targetValue.fieldSize }),
      sizeAdjustable: sizeAdjustable(localValue, targetValue),
      validate: localValue.bitfield !== true,
    });
    if (result === 'poison') {
      poisonInsn(insns, relo.insn);
      return { insn: relo.insn, kind: kindName, localValue: localValue.value, targetValue: null, targetTypeId, poisoned: true };
    }
    if (result !== null) fail(`${kindName}: ${result}`);
    return { insn: relo.insn, kind: kindName, localValue: localValue.value, targetValue: targetValue.value, targetTypeId, poisoned: false };
  });
}
