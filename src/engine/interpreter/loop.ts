import { MAX_BPF_STACK, MAX_CALL_FRAMES } from '../../isa/opcodes.js';
import { ARENA_BASE_HI } from '../../memory/arena.js';
import { BudgetExceededError, ExecutionError } from '../errors.js';
import { resolveAccess } from './access.js';
import { atomic32, atomic64 } from './atomic.js';
import { bswap16, bswap32, lts64, ltu64, mul64, sar64, shl64, shr64 } from './bits.js';
import { div32, div64, mod32, mod64 } from './divide.js';
import { AfterHelper, callHelper } from './helper-call.js';
import { registerSnapshot, type Machine } from './machine.js';
import { loadPacket } from './packet.js';
import { codeSlot } from './program.js';

/** How a run of the loop ended. */
export const enum Outcome {
  /** The entry frame exited (or a helper ended the program): r0 holds the result. */
  Exit = 0,
  /** A helper asked for a tail call to env.tailCallTarget. */
  TailCall = 1,
}

const AH = ARENA_BASE_HI;

/**
 * The interpreter's loop: one switch over the opcode byte of pre-decoded
 * words (see program.ts), registers as 32-bit halves, loads and stores
 * checked against a cached region and resolved on a miss (access.ts). Rare
 * and bulky operations live in their own small functions.
 */
export function execute(m: Machine): Outcome {
  const words = m.program.words;
  const L = m.lo;
  const H = m.hi;
  const budget = m.budget;
  const trace = m.trace;
  let u8 = m.arena.bytes;
  let dv = m.arena.view;
  let rs = m.readStart;
  let re = m.readEnd;
  let ws = m.writeStart;
  let we = m.writeEnd;
  let pc = 0;
  let count = m.count;
  let limit = trace === null ? budget : count;
  try {
    for (;;) {
      const w = words[pc << 1];
      const imm = words[(pc << 1) + 1];
      // One comparison serves both the budget and the trace hook: with a
      // hook, `limit` trails `count` so that every instruction takes this path.
      if (++count > limit) {
        if (count > budget) {
          count--;
          throw new BudgetExceededError(pc, budget);
        }
        if (trace !== null) {
          m.count = count - 1;
          trace(pc, registerSnapshot(m));
          limit = count;
        }
      }
      const d = (w >> 8) & 15;
      const s = (w >> 12) & 15;
      switch (w & 0xff) {
        // ---- ALU64, immediate operand (sign-extended to 64 bits) ----
        case 0x07: { // add
          const a = L[d];
          const r = (a + imm) | 0;
          H[d] = (H[d] + (imm >> 31) + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
          L[d] = r;
          pc++;
          break;
        }
        case 0x17: { // sub
          const a = L[d];
          H[d] = (H[d] - (imm >> 31) - ((a >>> 0) < (imm >>> 0) ? 1 : 0)) | 0;
          L[d] = (a - imm) | 0;
          pc++;
          break;
        }
        case 0x27: mul64(L, H, d, imm, imm >> 31); pc++; break;
        case 0x37: div64(L, H, d, imm, imm >> 31, (w >> 16) === 1); pc++; break;
        case 0x47: L[d] |= imm; H[d] |= imm >> 31; pc++; break;
        case 0x57: L[d] &= imm; H[d] &= imm >> 31; pc++; break;
        case 0x67: shl64(L, H, d, imm & 63); pc++; break;
        case 0x77: shr64(L, H, d, imm & 63); pc++; break;
        case 0x87: { // neg
          const a = L[d];
          H[d] = (-H[d] - (a !== 0 ? 1 : 0)) | 0;
          L[d] = -a | 0;
          pc++;
          break;
        }
        case 0x97: mod64(L, H, d, imm, imm >> 31, (w >> 16) === 1); pc++; break;
        case 0xa7: L[d] ^= imm; H[d] ^= imm >> 31; pc++; break;
        case 0xb7: L[d] = imm; H[d] = imm >> 31; pc++; break;
        case 0xc7: sar64(L, H, d, imm & 63); pc++; break;
        case 0xd7: { // bswap16/32/64 (RFC 9669: BPF_ALU64 | BPF_END)
          if (imm === 16) L[d] = bswap16(L[d]);
          else if (imm === 32) L[d] = bswap32(L[d]);
          else {
            const a = L[d];
            L[d] = bswap32(H[d]);
            H[d] = bswap32(a);
            pc++;
            break;
          }
          H[d] = 0;
          pc++;
          break;
        }

        // ---- ALU64, register operand ----
        case 0x0f: {
          const a = L[d];
          const r = (a + L[s]) | 0;
          H[d] = (H[d] + H[s] + ((r >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
          L[d] = r;
          pc++;
          break;
        }
        case 0x1f: {
          const a = L[d];
          const b = L[s];
          H[d] = (H[d] - H[s] - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
          L[d] = (a - b) | 0;
          pc++;
          break;
        }
        case 0x2f: mul64(L, H, d, L[s], H[s]); pc++; break;
        case 0x3f: div64(L, H, d, L[s], H[s], (w >> 16) === 1); pc++; break;
        case 0x4f: L[d] |= L[s]; H[d] |= H[s]; pc++; break;
        case 0x5f: L[d] &= L[s]; H[d] &= H[s]; pc++; break;
        case 0x6f: shl64(L, H, d, L[s] & 63); pc++; break;
        case 0x7f: shr64(L, H, d, L[s] & 63); pc++; break;
        case 0x9f: mod64(L, H, d, L[s], H[s], (w >> 16) === 1); pc++; break;
        case 0xaf: L[d] ^= L[s]; H[d] ^= H[s]; pc++; break;
        case 0xbf: { // mov, movsx (off = 8, 16, 32)
          const off = w >> 16;
          if (off === 0) {
            L[d] = L[s];
            H[d] = H[s];
          } else {
            const v = off === 8 ? (L[s] << 24) >> 24 : off === 16 ? (L[s] << 16) >> 16 : L[s];
            L[d] = v;
            H[d] = v >> 31;
          }
          pc++;
          break;
        }
        case 0xcf: sar64(L, H, d, L[s] & 63); pc++; break;

        // ---- ALU (32-bit: the result is zero-extended) ----
        case 0x04: L[d] = (L[d] + imm) | 0; H[d] = 0; pc++; break;
        case 0x14: L[d] = (L[d] - imm) | 0; H[d] = 0; pc++; break;
        case 0x24: L[d] = Math.imul(L[d], imm); H[d] = 0; pc++; break;
        case 0x34: div32(L, H, d, imm, (w >> 16) === 1); pc++; break;
        case 0x44: L[d] |= imm; H[d] = 0; pc++; break;
        case 0x54: L[d] &= imm; H[d] = 0; pc++; break;
        case 0x64: L[d] <<= imm & 31; H[d] = 0; pc++; break;
        case 0x74: L[d] >>>= imm & 31; H[d] = 0; pc++; break;
        case 0x84: L[d] = -L[d] | 0; H[d] = 0; pc++; break;
        case 0x94: mod32(L, H, d, imm, (w >> 16) === 1); pc++; break;
        case 0xa4: L[d] ^= imm; H[d] = 0; pc++; break;
        case 0xb4: L[d] = imm; H[d] = 0; pc++; break;
        case 0xc4: L[d] >>= imm & 31; H[d] = 0; pc++; break;
        case 0xd4: // le16/32/64: a no-op on little-endian data but for the truncation
          if (imm === 16) L[d] &= 0xffff;
          if (imm !== 64) H[d] = 0;
          pc++;
          break;
        case 0x0c: L[d] = (L[d] + L[s]) | 0; H[d] = 0; pc++; break;
        case 0x1c: L[d] = (L[d] - L[s]) | 0; H[d] = 0; pc++; break;
        case 0x2c: L[d] = Math.imul(L[d], L[s]); H[d] = 0; pc++; break;
        case 0x3c: div32(L, H, d, L[s], (w >> 16) === 1); pc++; break;
        case 0x4c: L[d] |= L[s]; H[d] = 0; pc++; break;
        case 0x5c: L[d] &= L[s]; H[d] = 0; pc++; break;
        case 0x6c: L[d] <<= L[s] & 31; H[d] = 0; pc++; break;
        case 0x7c: L[d] >>>= L[s] & 31; H[d] = 0; pc++; break;
        case 0x9c: mod32(L, H, d, L[s], (w >> 16) === 1); pc++; break;
        case 0xac: L[d] ^= L[s]; H[d] = 0; pc++; break;
        case 0xbc: { // mov32, movsx 8/16 -> 32
          const off = w >> 16;
          L[d] = off === 8 ? (L[s] << 24) >> 24 : off === 16 ? (L[s] << 16) >> 16 : L[s];
          H[d] = 0;
          pc++;
          break;
        }
        case 0xcc: L[d] >>= L[s] & 31; H[d] = 0; pc++; break;
        case 0xdc: // be16/32/64
          if (imm === 16) L[d] = bswap16(L[d]);
          else if (imm === 32) L[d] = bswap32(L[d]);
          else {
            const a = L[d];
            L[d] = bswap32(H[d]);
            H[d] = bswap32(a);
            pc++;
            break;
          }
          H[d] = 0;
          pc++;
          break;

        // ---- JMP: 64-bit comparisons; immediates sign-extended ----
        case 0x05: pc += (w >> 16) + 1; break;
        case 0x15: pc += L[d] === imm && H[d] === imm >> 31 ? (w >> 16) + 1 : 1; break;
        case 0x1d: pc += L[d] === L[s] && H[d] === H[s] ? (w >> 16) + 1 : 1; break;
        case 0x25: pc += ltu64(imm, imm >> 31, L[d], H[d]) ? (w >> 16) + 1 : 1; break;
        case 0x2d: pc += ltu64(L[s], H[s], L[d], H[d]) ? (w >> 16) + 1 : 1; break;
        case 0x35: pc += !ltu64(L[d], H[d], imm, imm >> 31) ? (w >> 16) + 1 : 1; break;
        case 0x3d: pc += !ltu64(L[d], H[d], L[s], H[s]) ? (w >> 16) + 1 : 1; break;
        case 0x45: pc += (L[d] & imm) !== 0 || (H[d] & (imm >> 31)) !== 0 ? (w >> 16) + 1 : 1; break;
        case 0x4d: pc += (L[d] & L[s]) !== 0 || (H[d] & H[s]) !== 0 ? (w >> 16) + 1 : 1; break;
        case 0x55: pc += L[d] !== imm || H[d] !== imm >> 31 ? (w >> 16) + 1 : 1; break;
        case 0x5d: pc += L[d] !== L[s] || H[d] !== H[s] ? (w >> 16) + 1 : 1; break;
        case 0x65: pc += lts64(imm, imm >> 31, L[d], H[d]) ? (w >> 16) + 1 : 1; break;
        case 0x6d: pc += lts64(L[s], H[s], L[d], H[d]) ? (w >> 16) + 1 : 1; break;
        case 0x75: pc += !lts64(L[d], H[d], imm, imm >> 31) ? (w >> 16) + 1 : 1; break;
        case 0x7d: pc += !lts64(L[d], H[d], L[s], H[s]) ? (w >> 16) + 1 : 1; break;
        case 0xa5: pc += ltu64(L[d], H[d], imm, imm >> 31) ? (w >> 16) + 1 : 1; break;
        case 0xad: pc += ltu64(L[d], H[d], L[s], H[s]) ? (w >> 16) + 1 : 1; break;
        case 0xb5: pc += !ltu64(imm, imm >> 31, L[d], H[d]) ? (w >> 16) + 1 : 1; break;
        case 0xbd: pc += !ltu64(L[s], H[s], L[d], H[d]) ? (w >> 16) + 1 : 1; break;
        case 0xc5: pc += lts64(L[d], H[d], imm, imm >> 31) ? (w >> 16) + 1 : 1; break;
        case 0xcd: pc += lts64(L[d], H[d], L[s], H[s]) ? (w >> 16) + 1 : 1; break;
        case 0xd5: pc += !lts64(imm, imm >> 31, L[d], H[d]) ? (w >> 16) + 1 : 1; break;
        case 0xdd: pc += !lts64(L[s], H[s], L[d], H[d]) ? (w >> 16) + 1 : 1; break;

        // ---- JMP32: low halves only ----
        case 0x06: pc += imm + 1; break; // gotol: the offset is in imm
        case 0x16: pc += L[d] === imm ? (w >> 16) + 1 : 1; break;
        case 0x1e: pc += L[d] === L[s] ? (w >> 16) + 1 : 1; break;
        case 0x26: pc += L[d] >>> 0 > imm >>> 0 ? (w >> 16) + 1 : 1; break;
        case 0x2e: pc += L[d] >>> 0 > L[s] >>> 0 ? (w >> 16) + 1 : 1; break;
        case 0x36: pc += L[d] >>> 0 >= imm >>> 0 ? (w >> 16) + 1 : 1; break;
        case 0x3e: pc += L[d] >>> 0 >= L[s] >>> 0 ? (w >> 16) + 1 : 1; break;
        case 0x46: pc += (L[d] & imm) !== 0 ? (w >> 16) + 1 : 1; break;
        case 0x4e: pc += (L[d] & L[s]) !== 0 ? (w >> 16) + 1 : 1; break;
        case 0x56: pc += L[d] !== imm ? (w >> 16) + 1 : 1; break;
        case 0x5e: pc += L[d] !== L[s] ? (w >> 16) + 1 : 1; break;
        case 0x66: pc += L[d] > imm ? (w >> 16) + 1 : 1; break;
        case 0x6e: pc += L[d] > L[s] ? (w >> 16) + 1 : 1; break;
        case 0x76: pc += L[d] >= imm ? (w >> 16) + 1 : 1; break;
        case 0x7e: pc += L[d] >= L[s] ? (w >> 16) + 1 : 1; break;
        case 0xa6: pc += L[d] >>> 0 < imm >>> 0 ? (w >> 16) + 1 : 1; break;
        case 0xae: pc += L[d] >>> 0 < L[s] >>> 0 ? (w >> 16) + 1 : 1; break;
        case 0xb6: pc += L[d] >>> 0 <= imm >>> 0 ? (w >> 16) + 1 : 1; break;
        case 0xbe: pc += L[d] >>> 0 <= L[s] >>> 0 ? (w >> 16) + 1 : 1; break;
        case 0xc6: pc += L[d] < imm ? (w >> 16) + 1 : 1; break;
        case 0xce: pc += L[d] < L[s] ? (w >> 16) + 1 : 1; break;
        case 0xd6: pc += L[d] <= imm ? (w >> 16) + 1 : 1; break;
        case 0xde: pc += L[d] <= L[s] ? (w >> 16) + 1 : 1; break;

        // ---- calls and exit ----
        case 0x85: // call: helper (src 0), bpf-to-bpf (src 1), kfunc (src 2)
        case 0x8d: { // callx: the register holds a code address or a helper id
          let target = -1;
          let helper = imm;
          if ((w & 0xff) === 0x8d) {
            target = codeSlot(m.program, L[d], H[d]);
            if (target < 0) {
              if (H[d] !== 0) throw new ExecutionError(pc, `callx r${d}: not a function address or helper id`);
              helper = L[d] >>> 0;
            }
          } else if (s === 1) {
            target = pc + imm + 1;
          } else if (s !== 0) {
            throw new ExecutionError(pc, 'kfunc calls are not supported');
          }
          if (target >= 0) {
            const depth = m.depth;
            if (depth + 1 >= MAX_CALL_FRAMES) {
              throw new ExecutionError(pc, `too many nested calls: at most ${MAX_CALL_FRAMES} frames`);
            }
            const saved = m.saved;
            const at = depth << 3;
            saved[at] = L[6]; saved[at + 1] = H[6];
            saved[at + 2] = L[7]; saved[at + 3] = H[7];
            saved[at + 4] = L[8]; saved[at + 5] = H[8];
            saved[at + 6] = L[9]; saved[at + 7] = H[9];
            m.returnPc[depth] = pc + 1;
            m.depth = depth + 1;
            L[10] = m.stackEnd - (depth + 1) * MAX_BPF_STACK;
            H[10] = AH;
            pc = target;
            break;
          }
          m.count = count;
          const after = callHelper(m, pc, helper);
          // The helper may have grown the arena or changed its regions.
          u8 = m.arena.bytes;
          dv = m.arena.view;
          rs = re = ws = we = 0;
          if (after === AfterHelper.Exit) return Outcome.Exit;
          if (after === AfterHelper.TailCall) return Outcome.TailCall;
          pc++;
          break;
        }
        case 0x95: { // exit
          const depth = m.depth;
          if (depth === 0) return Outcome.Exit;
          const at = (depth - 1) << 3;
          const saved = m.saved;
          L[6] = saved[at]; H[6] = saved[at + 1];
          L[7] = saved[at + 2]; H[7] = saved[at + 3];
          L[8] = saved[at + 4]; H[8] = saved[at + 5];
          L[9] = saved[at + 6]; H[9] = saved[at + 7];
          m.depth = depth - 1;
          L[10] = m.stackEnd - (depth - 1) * MAX_BPF_STACK;
          pc = m.returnPc[depth - 1];
          break;
        }

        // ---- lddw and the legacy packet loads ----
        case 0x18: L[d] = imm; H[d] = words[(pc << 1) + 3]; pc += 2; break;
        case 0x20: case 0x28: case 0x30: case 0x40: case 0x48: case 0x50:
          if (loadPacket(m, pc, w & 0xff, s, imm)) {
            pc++;
            break;
          }
          // Out of the packet: the kernel's rewrite does `r0 = 0; exit`.
          L[0] = 0;
          H[0] = 0;
          pc = exitFrame(m);
          if (pc < 0) return Outcome.Exit;
          break;

        // ---- loads: dst = *(size *)(src + off); a miss of the cached region goes to resolveAccess ----
        case 0x71: {
          let o = (L[s] >>> 0) + (w >> 16);
          if ((H[s] !== AH && H[s] !== 0) || o < rs || o + 1 > re) {
            o = resolveAccess(m, pc, L[s], H[s], w >> 16, 1, false);
            rs = m.readStart;
            re = m.readEnd;
          }
          L[d] = u8[o]; H[d] = 0;
          pc++;
          break;
        }
        case 0x69: {
          let o = (L[s] >>> 0) + (w >> 16);
          if ((H[s] !== AH && H[s] !== 0) || o < rs || o + 2 > re) {
            o = resolveAccess(m, pc, L[s], H[s], w >> 16, 2, false);
            rs = m.readStart;
            re = m.readEnd;
          }
          L[d] = dv.getUint16(o, true); H[d] = 0;
          pc++;
          break;
        }
        case 0x61: {
          let o = (L[s] >>> 0) + (w >> 16);
          if ((H[s] !== AH && H[s] !== 0) || o < rs || o + 4 > re) {
            o = resolveAccess(m, pc, L[s], H[s], w >> 16, 4, false);
            rs = m.readStart;
            re = m.readEnd;
          }
          L[d] = dv.getInt32(o, true); H[d] = 0;
          pc++;
          break;
        }
        case 0x79: {
          let o = (L[s] >>> 0) + (w >> 16);
          if ((H[s] !== AH && H[s] !== 0) || o < rs || o + 8 > re) {
            o = resolveAccess(m, pc, L[s], H[s], w >> 16, 8, false);
            rs = m.readStart;
            re = m.readEnd;
          }
          L[d] = dv.getInt32(o, true); H[d] = dv.getInt32(o + 4, true);
          pc++;
          break;
        }
        case 0x91: {
          let o = (L[s] >>> 0) + (w >> 16);
          if ((H[s] !== AH && H[s] !== 0) || o < rs || o + 1 > re) {
            o = resolveAccess(m, pc, L[s], H[s], w >> 16, 1, false);
            rs = m.readStart;
            re = m.readEnd;
          }
          L[d] = dv.getInt8(o); H[d] = L[d] >> 31;
          pc++;
          break;
        }
        case 0x89: {
          let o = (L[s] >>> 0) + (w >> 16);
          if ((H[s] !== AH && H[s] !== 0) || o < rs || o + 2 > re) {
            o = resolveAccess(m, pc, L[s], H[s], w >> 16, 2, false);
            rs = m.readStart;
            re = m.readEnd;
          }
          L[d] = dv.getInt16(o, true); H[d] = L[d] >> 31;
          pc++;
          break;
        }
        case 0x81: {
          let o = (L[s] >>> 0) + (w >> 16);
          if ((H[s] !== AH && H[s] !== 0) || o < rs || o + 4 > re) {
            o = resolveAccess(m, pc, L[s], H[s], w >> 16, 4, false);
            rs = m.readStart;
            re = m.readEnd;
          }
          L[d] = dv.getInt32(o, true); H[d] = L[d] >> 31;
          pc++;
          break;
        }

        // ---- stores: *(size *)(dst + off) = imm or src ----
        case 0x72: case 0x6a: case 0x62: case 0x7a: case 0x73: case 0x6b: case 0x63: case 0x7b: {
          const op = w & 0xff;
          const size = (op & 0x18) === 0x10 ? 1 : (op & 0x18) === 0x08 ? 2 : (op & 0x18) === 0x18 ? 8 : 4;
          const off = w >> 16;
          let o = (L[d] >>> 0) + off;
          if ((H[d] !== AH && H[d] !== 0) || o < ws || o + size > we) {
            o = resolveAccess(m, pc, L[d], H[d], off, size, true);
            ws = m.writeStart;
            we = m.writeEnd;
          }
          const vl = op & 1 ? L[s] : imm;
          switch (size) {
            case 1: u8[o] = vl; break;
            case 2: dv.setInt16(o, vl, true); break;
            case 4: dv.setInt32(o, vl, true); break;
            default:
              dv.setInt32(o, vl, true);
              dv.setInt32(o + 4, op & 1 ? H[s] : imm >> 31, true);
          }
          pc++;
          break;
        }

        // ---- atomics ----
        case 0xc3: case 0xdb: {
          const size = (w & 0xff) === 0xdb ? 8 : 4;
          const off = w >> 16;
          let o = (L[d] >>> 0) + off;
          if ((H[d] !== AH && H[d] !== 0) || o < ws || o + size > we) {
            o = resolveAccess(m, pc, L[d], H[d], off, size, true);
            ws = m.writeStart;
            we = m.writeEnd;
          }
          if (size === 8) atomic64(L, H, dv, o, imm, s);
          else atomic32(L, H, dv, o, imm, s);
          pc++;
          break;
        }

        case 0x00:
          throw new ExecutionError(pc, pc >= m.program.length
            ? 'fell off the end of the program'
            : 'executed the second slot of an lddw');
        default:
          throw new ExecutionError(pc, `unknown opcode 0x${(w & 0xff).toString(16).padStart(2, '0')}`);
      }
    }
  } finally {
    m.count = count;
  }
}

/** Leaves the current frame as `exit` does; returns the caller's pc, or -1 when the entry frame ends. */
function exitFrame(m: Machine): number {
  const depth = m.depth;
  if (depth === 0) return -1;
  const at = (depth - 1) << 3;
  for (let r = 6; r <= 9; r++) {
    m.lo[r] = m.saved[at + 2 * (r - 6)];
    m.hi[r] = m.saved[at + 2 * (r - 6) + 1];
  }
  m.depth = depth - 1;
  m.lo[10] = m.frameTop(depth - 1);
  return m.returnPc[depth - 1];
}
