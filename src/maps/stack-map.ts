import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { QueueStackBase } from './queue-stack-base.js';

/** BPF_MAP_TYPE_STACK: last in, first out. */
export class StackMap extends QueueStackBase {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def);
  }

  protected nextOut(): number {
    const index = this.head - 1;
    return index < 0 ? this.slots - 1 : index;
  }

  protected removeOut(index: number): void {
    this.head = index;
  }

  values(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = this.head; i !== this.tail;) {
      i = i === 0 ? this.slots - 1 : i - 1;
      out.push(this.arena.bytes.slice(this.slotOffset(i), this.slotOffset(i) + this.def.valueSize));
    }
    return out;
  }
}
