import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { QueueStackBase } from './queue-stack-base.js';

/** BPF_MAP_TYPE_QUEUE: first in, first out. */
export class QueueMap extends QueueStackBase {
  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def);
  }

  protected nextOut(): number {
    return this.tail;
  }

  protected removeOut(): void {
    if (++this.tail >= this.slots) this.tail = 0;
  }

  values(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = this.tail; i !== this.head; i = (i + 1) % this.slots) {
      out.push(this.arena.bytes.slice(this.slotOffset(i), this.slotOffset(i) + this.def.valueSize));
    }
    return out;
  }
}
