// Helper prototypes as the kernel's `struct bpf_func_proto` describes them:
// what the verifier checks at each call, and what it learns about r0.

/** Argument types (enum bpf_arg_type), with the kernel's names. */
export type ArgType =
  | 'ARG_DONTCARE'
  | 'ARG_ANYTHING'
  | 'ARG_CONST_MAP_PTR'
  | 'ARG_PTR_TO_MAP_KEY'
  | 'ARG_PTR_TO_MAP_VALUE'
  | 'ARG_PTR_TO_UNINIT_MAP_VALUE'
  | 'ARG_PTR_TO_MEM'
  | 'ARG_PTR_TO_MEM_OR_NULL'
  | 'ARG_PTR_TO_UNINIT_MEM'
  | 'ARG_CONST_SIZE'
  | 'ARG_CONST_SIZE_OR_ZERO'
  | 'ARG_CONST_ALLOC_SIZE_OR_ZERO'
  | 'ARG_PTR_TO_CTX'
  | 'ARG_PTR_TO_CTX_OR_NULL'
  | 'ARG_PTR_TO_STACK'
  | 'ARG_PTR_TO_STACK_OR_NULL'
  | 'ARG_PTR_TO_LONG'
  | 'ARG_PTR_TO_INT'
  | 'ARG_PTR_TO_CONST_STR'
  | 'ARG_PTR_TO_FUNC'
  | 'ARG_PTR_TO_RINGBUF_MEM'
  | 'ARG_PTR_TO_SPIN_LOCK'
  | 'ARG_PTR_TO_BTF_ID'
  | 'ARG_PTR_TO_BTF_ID_SOCK_COMMON'
  | 'ARG_PTR_TO_SOCK_COMMON';

/** Return types (enum bpf_return_type). */
export type RetType =
  | 'RET_INTEGER'
  | 'RET_VOID'
  | 'RET_PTR_TO_MAP_VALUE_OR_NULL'
  | 'RET_PTR_TO_MAP_VALUE'
  | 'RET_PTR_TO_RINGBUF_MEM_OR_NULL'
  | 'RET_PTR_TO_MEM_OR_NULL'
  | 'RET_PTR_TO_BTF_ID_OR_NULL'
  | 'RET_PTR_TO_SOCKET_OR_NULL'
  | 'RET_PTR_TO_SOCK_COMMON_OR_NULL'
  | 'RET_PTR_TO_TCP_SOCK_OR_NULL';

export interface HelperProto {
  /** Kernel helper id (enum bpf_func_id). */
  readonly id: number;
  /** Kernel name without the `bpf_` prefix, e.g. `map_lookup_elem`. */
  readonly name: string;
  /** r1..r5; shorter lists mean the rest are unused. */
  readonly args: readonly ArgType[];
  readonly ret: RetType;
  /** For ARG_PTR_TO_RINGBUF_MEM etc.: this call releases the reference passed in that argument (0-based). */
  readonly releasesArg?: number;
  /** The return value holds a reference that must be released on every path. */
  readonly acquiresRef?: boolean;
  /** True for helpers whose r0 is only ever a negative errno or 0 (bounds the result). */
  readonly retErrnoOnly?: boolean;
  /** Only programs with GPL-compatible licenses may call it. */
  readonly gplOnly?: boolean;
}
