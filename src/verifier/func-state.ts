import { MAX_BPF_REG, MAX_BPF_STACK } from '../isa/opcodes.js';
import { markNotInit } from './bounds.js';
import { RegState } from './reg-state.js';

/** What a stack byte holds (enum bpf_stack_slot_type). */
export enum SlotType {
  STACK_INVALID = 0,
  STACK_SPILL = 1,
  STACK_MISC = 2,
  STACK_ZERO = 3,
}

/** The kernel's one-letter codes for stack bytes in the log. */
export const SLOT_TYPE_CHAR = ['?', 'r', 'm', '0'];

export const BPF_REG_SIZE = 8;
export const STACK_SLOTS = MAX_BPF_STACK / BPF_REG_SIZE;

/**
 * One call frame (struct bpf_func_state): registers and the stack, byte by
 * byte. Stack byte at fp-k (k = 1..512) is slotType[k-1]; the 8-byte slot
 * spi = (k-1) >> 3 holds `spilled[spi]` when its bytes are STACK_SPILL.
 */
export class FuncState {
  regs: RegState[];
  /** Bytes of stack in use (a multiple of 8). */
  allocatedStack = 0;
  slotType: Uint8Array;
  spilled: (RegState | null)[];
  /** This frame runs a callback (bpf_loop, for_each_map_elem) and returns to its call site. */
  inCallbackFn = false;
  /** How many callback iterations were simulated from this frame's current call. */
  callbackDepth = 0;

  constructor(
    public frameno: number,
    /** Instruction index of the call that created this frame; -1 for the main program. */
    public callsite: number,
    public subprogno: number,
    init = true,
  ) {
    if (init) {
      this.regs = Array.from({ length: MAX_BPF_REG }, () => {
        const r = new RegState();
        markNotInit(r);
        return r;
      });
      this.slotType = new Uint8Array(MAX_BPF_STACK);
      this.spilled = new Array(STACK_SLOTS).fill(null);
    } else {
      this.regs = [];
      this.slotType = new Uint8Array(0);
      this.spilled = [];
    }
  }

  clone(): FuncState {
    const f = new FuncState(this.frameno, this.callsite, this.subprogno, false);
    f.regs = this.regs.map((r) => r.clone());
    f.allocatedStack = this.allocatedStack;
    f.slotType = this.slotType.slice();
    f.spilled = this.spilled.map((r) => (r ? r.clone() : null));
    f.inCallbackFn = this.inCallbackFn;
    f.callbackDepth = this.callbackDepth;
    return f;
  }

  /** The slot type of the byte at fp+off (off negative). */
  byteType(off: number): SlotType {
    return this.slotType[-off - 1];
  }

  /** Marks the stack used down to fp+off (grow_stack_state). */
  growStack(size: number): void {
    const rounded = Math.ceil(size / BPF_REG_SIZE) * BPF_REG_SIZE;
    if (rounded > this.allocatedStack) this.allocatedStack = rounded;
  }

  /** The spilled register of slot spi if the whole slot's last byte says SPILL. */
  spillAt(spi: number): RegState | null {
    return this.slotType[spi * BPF_REG_SIZE + BPF_REG_SIZE - 1] === SlotType.STACK_SPILL ? this.spilled[spi] : null;
  }
}
