import type { HelperFn } from '../engine/abi.js';
import type { ArgType, HelperProto, RetType } from './proto.js';
import { BPF_FUNC, type HelperName } from './ids.js';

/** One row of the helper table: what the verifier checks, and what runs. */
export interface HelperDefinition {
  readonly proto: HelperProto;
  readonly fn: HelperFn;
}

type ProtoExtras = Pick<HelperProto, 'releasesArg' | 'acquiresRef' | 'retErrnoOnly' | 'gplOnly'>;

/** A table row for the kernel helper `name` (its id comes from ids.ts). */
export function defineHelper(name: HelperName, args: readonly ArgType[], ret: RetType, fn: HelperFn, extras: ProtoExtras = {}): HelperDefinition {
  return { proto: { id: BPF_FUNC[name], name, args, ret, ...extras }, fn };
}
