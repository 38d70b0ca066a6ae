// Small programs for the attach and event tests, in LLVM assembly. A map is
// referred to as `r1 = MAP(n) ll` and bound to a map fd by withMaps().
import { assemble } from '../../src/isa/asm/index.js';
import type { Instruction } from '../../src/isa/instruction.js';
import { KernelMap, KernelProgram, type BpfAttachTypeName, type BpfProgTypeName } from '../../src/kernel/index.js';

const MAP_MAGIC = 0x7a5b0000;
const BPF_PSEUDO_MAP_FD = 1;

/** The lddw immediate that stands for map number `n` until withMaps() binds it. */
export const MAP = (n: number): string => `0x${(MAP_MAGIC + n).toString(16)}`;

/** Assembles `text` and turns each `lddw rX, MAP(n)` into a BPF_PSEUDO_MAP_FD load of maps[n]. */
export function withMaps(text: string, maps: readonly KernelMap[]): Instruction[] {
  const insns = assemble(text);
  for (let i = 0; i < insns.length; i++) {
    const insn = insns[i];
    if (insn.opcode !== 0x18) continue;
    const n = insn.imm - MAP_MAGIC;
    if (n >= 0 && n < maps.length && insns[i + 1].imm === 0) {
      insn.src = BPF_PSEUDO_MAP_FD;
      insn.imm = maps[n].fd;
    }
    i++;
  }
  return insns;
}

export function load(type: BpfProgTypeName, name: string, text: string, maps: readonly KernelMap[], expectedAttachType?: BpfAttachTypeName): KernelProgram {
  return KernelProgram.load({ type, name, insns: withMaps(text, maps), expectedAttachType });
}

/** `*(u64 *)map[key] += 1` on map 0 (an array or hash with u32 keys and u64 values); clobbers r0-r5. */
export function countKey(key: number, map = 0): string {
  return `
  r1 = ${MAP(map)} ll
  r2 = r10
  r2 += -4
  r3 = ${key}
  *(u32 *)(r10 - 4) = r3
  call 1
  if r0 == 0 goto +2
  r1 = 1
  lock *(u64 *)(r0 + 0) += r1
`;
}

/**
 * Counts in map 0[0] the events of the main thread of process `pid` (its
 * pid_tgid is pid << 32 | pid: libuv's worker threads open files too), or
 * of every task when undefined; returns 0.
 */
export function eventCounter(pid?: number): string {
  const filter = pid === undefined ? '' : `
  call 14
  r1 = 0x${((BigInt(pid) << 32n) | BigInt(pid)).toString(16)} ll
  if r0 != r1 goto out`;
  return `${filter}
${countKey(0)}
out:
  r0 = 0
  exit`;
}

/**
 * Bounds-checked parse of Ethernet/IPv4/UDP from `data` (r2) to `data_end`
 * (r3); jumps to `other` for anything else, leaves the destination port
 * (network order, as loaded little-endian) in r7.
 */
function parseUdp(): string {
  return `
  r4 = r2
  r4 += 42
  if r4 > r3 goto other
  r5 = *(u16 *)(r2 + 12)
  if r5 != 0x8 goto other
  r5 = *(u8 *)(r2 + 14)
  if r5 != 0x45 goto other
  r5 = *(u8 *)(r2 + 23)
  if r5 != 17 goto other
  r7 = *(u16 *)(r2 + 36)`;
}

/** A port number as the little-endian load of its network-order bytes sees it. */
export const portKey = (port: number): number => ((port & 0xff) << 8) | (port >> 8);

/** XDP: UDP to `dropPort` is counted in map 0[1] and dropped, other UDP counted in [0] and passed. */
export function xdpUdpFilter(dropPort: number): string {
  return `
  r6 = r1
  r2 = *(u32 *)(r6 + 0)
  r3 = *(u32 *)(r6 + 4)
${parseUdp()}
  if r7 == ${portKey(dropPort)} goto drop
${countKey(0)}
  r0 = 2
  exit
drop:
${countKey(1)}
  r0 = 1
  exit
other:
  r0 = 2
  exit`;
}

/** tc (__sk_buff): UDP to `port` counted in map 0[0] and, when `drop`, shot (TC_ACT_SHOT); everything else TC_ACT_OK. */
export function tcUdpCounter(port: number, drop: boolean): string {
  return `
  r6 = r1
  r2 = *(u32 *)(r6 + 76)
  r3 = *(u32 *)(r6 + 80)
${parseUdp()}
  if r7 != ${portKey(port)} goto other
${countKey(0)}
  r0 = ${drop ? 2 : 0}
  exit
other:
  r0 = 0
  exit`;
}

/** Socket filter: counts every message in map 0[0]; drops (returns 0) those whose first byte is 'D'. */
export function socketFilterDropD(): string {
  return `
  r6 = r1
${countKey(0)}
  r0 = *(u8 *)skb[0]
  if r0 == 0x44 goto drop
  r0 = -1
  exit
drop:
  r0 = 0
  exit`;
}

/** cgroup/sock_create: counts in map 0[0] and refuses (0) every socket. */
export function denySocketCreate(): string {
  return `
${countKey(0)}
  r0 = 0
  exit`;
}

/** XDP test-run producer: bpf_ringbuf_output(map 0, a copy of packet[0..8], 8, 0) for packets of at least 8 bytes. */
export function ringbufProducer(): string {
  return `
  r6 = r1
  r2 = *(u32 *)(r6 + 0)
  r3 = *(u32 *)(r6 + 4)
  r4 = r2
  r4 += 8
  if r4 > r3 goto out
  r1 = *(u64 *)(r2 + 0)
  *(u64 *)(r10 - 8) = r1
  r1 = ${MAP(0)} ll
  r2 = r10
  r2 += -8
  r3 = 8
  r4 = 0
  call 130
out:
  r0 = 2
  exit`;
}

/** XDP test-run producer: bpf_perf_event_output(ctx, map 0, BPF_F_CURRENT_CPU, packet[0..8], 8). */
export function perfProducer(): string {
  return `
  r6 = r1
  r2 = *(u32 *)(r6 + 0)
  r3 = *(u32 *)(r6 + 4)
  r4 = r2
  r4 += 8
  if r4 > r3 goto out
  r1 = *(u64 *)(r2 + 0)
  *(u64 *)(r10 - 8) = r1
  r1 = r6
  r2 = ${MAP(0)} ll
  r3 = 0xffffffff ll
  r4 = r10
  r4 += -8
  r5 = 8
  call 25
out:
  r0 = 2
  exit`;
}

/** The u64 at map[key] of an array/hash with u32 keys (0 when absent). */
export function readCounter(map: KernelMap, key = 0): bigint {
  const value = map.lookup(new Uint8Array(new Uint32Array([key]).buffer));
  return value ? new DataView(value.buffer, value.byteOffset).getBigUint64(0, true) : 0n;
}

export function counterMap(entries = 2): KernelMap {
  return KernelMap.create({ type: 'BPF_MAP_TYPE_ARRAY', keySize: 4, valueSize: 8, maxEntries: entries, name: 'tsbpf_count' });
}
