import { BpfAttr } from './bpf-attr.js';
import { sysBpf } from './syscall.js';
import { BPF_OBJ_NAME_LEN, BpfCmd } from './uapi.js';

/** The part of struct bpf_prog_info this layer reads. */
export interface KernelProgramInfo {
  readonly type: number;
  readonly id: number;
  /** The program's tag (hash of its instructions), as hex. */
  readonly tag: string;
  readonly jitedProgLen: number;
  readonly xlatedProgLen: number;
  readonly name: string;
  readonly btfId: number;
  /** Filled only while BPF_ENABLE_STATS is on. */
  readonly runTimeNs: bigint;
  readonly runCnt: bigint;
  readonly verifiedInsns: number;
}

/** The part of struct bpf_map_info this layer reads. */
export interface KernelMapInfo {
  readonly type: number;
  readonly id: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly mapFlags: number;
  readonly name: string;
  readonly btfId: number;
}

export const PROG_INFO_SIZE = 232; // sizeof(struct bpf_prog_info) in the 6.1 uapi
export const MAP_INFO_SIZE = 88; // sizeof(struct bpf_map_info)

/**
 * BPF_OBJ_GET_INFO_BY_FD into `info` (zeroed, or with the fields that ask for
 * more set, such as map_ids): the kernel fills what it knows.
 */
export function objectInfo(fd: number, info: Uint8Array): DataView {
  sysBpf(BpfCmd.BPF_OBJ_GET_INFO_BY_FD, new BpfAttr().u32(0, fd).u32(4, info.length).pointer(8, info));
  return new DataView(info.buffer, info.byteOffset, info.byteLength);
}

const infoByFd = (fd: number, size: number): DataView => objectInfo(fd, new Uint8Array(size));

/** The NUL-terminated name (char[BPF_OBJ_NAME_LEN]) at `offset` of an info struct. */
export function infoName(view: DataView, offset: number): string {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, BPF_OBJ_NAME_LEN);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.subarray(0, end < 0 ? bytes.length : end));
}

/** struct bpf_prog_info.tag (8 bytes at offset 8) as hex. */
export function programTag(view: DataView): string {
  return Array.from(new Uint8Array(view.buffer, view.byteOffset + 8, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function programInfoByFd(fd: number): KernelProgramInfo {
  const v = infoByFd(fd, PROG_INFO_SIZE);
  return {
    type: v.getUint32(0, true),
    id: v.getUint32(4, true),
    tag: programTag(v),
    jitedProgLen: v.getUint32(16, true),
    xlatedProgLen: v.getUint32(20, true),
    name: infoName(v, 64),
    btfId: v.getUint32(128, true),
    runTimeNs: v.getBigUint64(192, true),
    runCnt: v.getBigUint64(200, true),
    verifiedInsns: v.getUint32(216, true),
  };
}

export function mapInfoByFd(fd: number): KernelMapInfo {
  const v = infoByFd(fd, MAP_INFO_SIZE);
  return {
    type: v.getUint32(0, true),
    id: v.getUint32(4, true),
    keySize: v.getUint32(8, true),
    valueSize: v.getUint32(12, true),
    maxEntries: v.getUint32(16, true),
    mapFlags: v.getUint32(20, true),
    name: infoName(v, 24),
    btfId: v.getUint32(64, true),
  };
}
