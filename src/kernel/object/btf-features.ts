import {
  BTF_INT_SIGNED, BTF_KIND_DATASEC, BTF_KIND_DECL_TAG, BTF_KIND_ENUM64, BTF_KIND_FLOAT, BTF_KIND_FUNC,
  BTF_KIND_FUNC_PROTO, BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_TYPE_TAG, BTF_KIND_VAR, BTF_FUNC_GLOBAL, BTF_FUNC_STATIC,
} from '../../btf/kinds.js';
import { KernelError } from '../errors.js';
import { buildBtfBlob, btfInfo, stringSection } from './btf-blob.js';
import { KernelBtf } from './btf-load.js';

/** Which BTF kinds and encodings the running kernel's BTF verifier accepts (libbpf's BTF feature probes). */
export interface BtfFeatures {
  /** BPF_BTF_LOAD exists at all. */
  readonly btf: boolean;
  readonly func: boolean;
  readonly funcGlobal: boolean;
  readonly datasec: boolean;
  readonly float: boolean;
  readonly declTag: boolean;
  readonly typeTag: boolean;
  readonly enum64: boolean;
}

/** Every feature present: what sanitising against means "leave the BTF as it is". */
export const ALL_BTF_FEATURES: BtfFeatures = {
  btf: true, func: true, funcGlobal: true, datasec: true, float: true, declTag: true, typeTag: true, enum64: true,
};

/** BTF_INT_ENC(encoding, offset, bits). */
const intEnc = (encoding: number, offset: number, bits: number): number => ((encoding << 24) | (offset << 16) | bits) >>> 0;
/** [1] int, signed, 32 bits: every probe starts with it. */
const INT32 = (nameOff: number): number[] => [nameOff, btfInfo(BTF_KIND_INT), 4, intEnc(BTF_INT_SIGNED, 0, 32)];

function accepts(words: number[], names: string[]): boolean {
  const strings = stringSection(names);
  try {
    KernelBtf.load(buildBtfBlob(words, strings.bytes), false).close();
    return true;
  } catch (err) {
    if (err instanceof KernelError) return false;
    throw err;
  }
}

let cached: BtfFeatures | undefined;

/** Probes the kernel once per process (each probe loads a tiny BTF blob). */
export function probeBtfFeatures(): BtfFeatures {
  if (cached) return cached;
  const names = ['int', 'x', 'tag'];
  const [nInt, nX, nTag] = stringSection(names).offsets;
  const btf = accepts([...INT32(nInt)], names);
  const func = (linkage: number): number[] => [
    ...INT32(nInt),
    0, btfInfo(BTF_KIND_FUNC_PROTO, 1), 1, nX, 1, // [2] int (*)(int x)
    nX, btfInfo(BTF_KIND_FUNC, linkage), 2, // [3] func x
  ];
  cached = {
    btf,
    func: btf && accepts(func(BTF_FUNC_STATIC), names),
    funcGlobal: btf && accepts(func(BTF_FUNC_GLOBAL), names),
    datasec: btf && accepts([
      ...INT32(nInt),
      nX, btfInfo(BTF_KIND_VAR), 1, 1, // [2] var x (global allocated)
      nTag, btfInfo(BTF_KIND_DATASEC, 1), 4, 2, 0, 4, // [3] datasec "tag" { x at 0, 4 bytes }
    ], names),
    float: btf && accepts([nX, btfInfo(BTF_KIND_FLOAT), 4], names),
    declTag: btf && accepts([
      ...INT32(nInt),
      nX, btfInfo(BTF_KIND_VAR), 1, 1,
      nTag, btfInfo(BTF_KIND_DECL_TAG), 2, 0xffffffff,
    ], names),
    typeTag: btf && accepts([
      ...INT32(nInt),
      nTag, btfInfo(BTF_KIND_TYPE_TAG), 1, // [2] int __tag
      0, btfInfo(BTF_KIND_PTR), 2, // [3] ptr to it
    ], names),
    enum64: btf && accepts([nX, btfInfo(BTF_KIND_ENUM64, 1), 8, nTag, 0, 1], names),
  };
  return cached;
}
