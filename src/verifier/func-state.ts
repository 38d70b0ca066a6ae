import { MAX_BPF_REG } from '../isa/opcodes.js';
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

/**
 * One call frame (struct bpf_func_state): registers and the stack, byte by
 * byte. Stack byte at fp-k (k = 1..allocatedStack) is slotType[k-1]; the
 * 8-byte slot spi = (k-1) >> 3 holds `spilled[spi]` when its bytes are
 * STACK_SPILL. Both arrays grow with the stack (growStack); the bytes past
 * allocatedStack are STACK_INVALID.
 *
 * clone() shares the registers and the stack (slotType, spilled and the
 * spilled registers) between the copies until one of them changes them
 * (copy on write): whatever changes register i takes it from reg(i) (or
 * after ownRegs), whatever writes to the stack calls ownStack() first,
 * whatever changes a spilled register in place takes it from ownSpill(), and
 * a new spilled register goes in with setSpill(). Reads may use regs[i] and
 * spilled[spi] directly.
 */
export class FuncState {
  regs: RegState[];
  /** Bytes of stack in use (a multiple of 8). */
  allocatedStack = 0;
  slotType: SlotType[];
  spilled: (RegState | null)[];
  /** This frame runs a callback (bpf_loop, for_each_map_elem) and returns to its call site. */
  inCallbackFn = false;
  /** How many callback iterations were simulated from this frame's current call. */
  callbackDepth = 0;
  /** Registers (bit i for r_i) no other frame shares: they may change in place. */
  private regsOwned = 0;
  /** The stack may be shared with another frame (see ownStack). */
  private stackShared = false;
  /** Spilled registers (slots 0-31, 32-63) no other frame shares: they may change in place. */
  private ownedLo = 0;
  private ownedHi = 0;

  constructor(
    public frameno: number,
    /** Instruction index of the call that created this frame; -1 for the main program. */
    public callsite: number,
    public subprogno: number,
    init = true,
  ) {
    this.slotType = [];
    this.spilled = [];
    if (init) {
      // Every register NOT_INIT: the one shared NOT_INIT register, copied on first write.
      this.regs = new Array<RegState>(MAX_BPF_REG);
      for (let i = 0; i < MAX_BPF_REG; i++) this.regs[i] = NOT_INIT_REG;
    } else {
      this.regs = EMPTY_REGS;
    }
  }

  clone(): FuncState {
    const f = new FuncState(this.frameno, this.callsite, this.subprogno, false);
    f.regs = this.regs.slice();
    this.regsOwned = 0;
    f.allocatedStack = this.allocatedStack;
    f.slotType = this.slotType;
    f.spilled = this.spilled;
    this.stackShared = true;
    f.stackShared = true;
    this.ownedLo = 0;
    this.ownedHi = 0;
    f.inCallbackFn = this.inCallbackFn;
    f.callbackDepth = this.callbackDepth;
    return f;
  }

  /** Register i, this frame's own to change. */
  reg(i: number): RegState {
    if (!(this.regsOwned & (1 << i))) {
      this.regs[i] = this.regs[i].clone();
      this.regsOwned |= 1 << i;
    }
    return this.regs[i];
  }

  /** Makes the registers of `mask` (bit i for r_i; others ignored) this frame's own. */
  ownRegs(mask: number): void {
    const todo = mask & ~this.regsOwned & ALL_REGS;
    if (!todo) return;
    for (let i = 0; i < MAX_BPF_REG; i++) {
      if (todo & (1 << i)) this.regs[i] = this.regs[i].clone();
    }
    this.regsOwned |= todo;
  }

  /**
   * Makes the stack's arrays this frame's own before they change (copy on
   * write). The spilled registers stay shared: see ownSpill.
   */
  ownStack(): void {
    if (!this.stackShared) return;
    this.slotType = this.slotType.slice();
    this.spilled = this.spilled.slice();
    this.stackShared = false;
  }

  /** The spilled register of slot spi (there must be one), this frame's own to change. */
  ownSpill(spi: number): RegState {
    this.ownStack();
    const owned = spi < 32 ? this.ownedLo & (1 << spi) : this.ownedHi & (1 << (spi - 32));
    if (!owned) {
      this.spilled[spi] = this.spilled[spi]!.clone();
      this.markOwned(spi);
    }
    return this.spilled[spi]!;
  }

  /** Puts a register no one else holds in slot spi (or empties it). */
  setSpill(spi: number, reg: RegState | null): void {
    this.ownStack();
    this.spilled[spi] = reg;
    if (reg) this.markOwned(spi);
  }

  private markOwned(spi: number): void {
    if (spi < 32) this.ownedLo |= 1 << spi;
    else this.ownedHi |= 1 << (spi - 32);
  }

  /** The slot type of the byte at fp+off (off negative). */
  byteType(off: number): SlotType {
    return -off - 1 < this.allocatedStack ? this.slotType[-off - 1] : SlotType.STACK_INVALID;
  }

  /** Marks the stack used down to fp-size (grow_stack_state). */
  growStack(size: number): void {
    const rounded = Math.ceil(size / BPF_REG_SIZE) * BPF_REG_SIZE;
    if (rounded <= this.allocatedStack) return;
    this.ownStack();
    for (let i = this.allocatedStack; i < rounded; i++) this.slotType.push(SlotType.STACK_INVALID);
    for (let i = this.allocatedStack / BPF_REG_SIZE; i < rounded / BPF_REG_SIZE; i++) this.spilled.push(null);
    this.allocatedStack = rounded;
  }

  /** The spilled register of slot spi if the whole slot's last byte says SPILL. */
  spillAt(spi: number): RegState | null {
    return this.slotType[spi * BPF_REG_SIZE + BPF_REG_SIZE - 1] === SlotType.STACK_SPILL ? this.spilled[spi] : null;
  }
}

const EMPTY_REGS: RegState[] = [];
const ALL_REGS = (1 << MAX_BPF_REG) - 1;

/** The register every new frame starts with in each slot (never changed: frames copy it to write). */
export const NOT_INIT_REG = new RegState();
markNotInit(NOT_INIT_REG);
