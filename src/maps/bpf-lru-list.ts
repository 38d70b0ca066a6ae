import type { Arena } from '../memory/arena.js';
import { ELEM_REF } from './hash-table.js';

/**
 * The kernel's LRU for lru_hash and lru_percpu_hash (kernel/bpf/bpf_lru_list.c),
 * node for node, so that which key an update evicts is the kernel's choice:
 *
 * - common LRU: one global list (active, inactive, free) and, per CPU, a
 *   local free list and a pending list. A CPU takes `targetFree` nodes at a
 *   time from the global free list (shrinking the inactive list, oldest
 *   first, when it runs dry) and parks new elements on its pending list;
 *   they join the global lists at its next refill. When nothing is left it
 *   steals from the CPUs' local lists, round robin;
 * - per-CPU LRU (BPF_F_NO_COMMON_LRU): each CPU owns max_entries / nCpus
 *   nodes and evicts only its own.
 *
 * The reference bit is the element's byte at ELEM_REF (a program's lookup,
 * interpreted or JIT-inlined, sets it). Nodes are the map's preallocated
 * elements, named by their arena offset.
 */
const T_ACTIVE = 0;
const T_INACTIVE = 1;
const T_FREE = 2;
const T_LOCAL_FREE = 3;
const T_LOCAL_PENDING = 4;
/** Only the active and inactive lists are counted (NR_BPF_LRU_LIST_COUNT). */
const NR_COUNTED = 2;

const LOCAL_FREE_TARGET = 128;
const LOCAL_NR_SCANS = LOCAL_FREE_TARGET;
const PERCPU_FREE_TARGET = 4;
const PERCPU_NR_SCANS = PERCPU_FREE_TARGET;

/** struct list_head: circular, doubly linked, with the head as sentinel. */
class ListHead {
  prev: ListHead = this;
  next: ListHead = this;
}

class LruNode extends ListHead {
  type = T_FREE;
  cpu = 0;
  constructor(readonly elem: number) { super(); }
}

const listEmpty = (h: ListHead): boolean => h.next === h;

function listDel(n: ListHead): void {
  n.prev.next = n.next;
  n.next.prev = n.prev;
  n.prev = n;
  n.next = n;
}

/** list_add(): right after the head. */
function listAdd(n: ListHead, head: ListHead): void {
  n.next = head.next;
  n.prev = head;
  head.next.prev = n;
  head.next = n;
}

function listMove(n: ListHead, head: ListHead): void {
  listDel(n);
  listAdd(n, head);
}

/** Nodes from the tail to the head, each read before the visit may move it (list_for_each_entry_safe_reverse). */
function* reverseSafe(head: ListHead): Generator<LruNode> {
  for (let n = head.prev, tmp = n.prev; n !== head; n = tmp, tmp = n.prev) yield n as LruNode;
}

/** struct bpf_lru_list. */
class LruList {
  readonly lists = [new ListHead(), new ListHead(), new ListHead()];
  readonly counts = [0, 0];
  nextInactiveRotation: ListHead = this.lists[T_INACTIVE];
}

/** struct bpf_lru_locallist. */
class LocalList {
  readonly free = new ListHead();
  readonly pending = new ListHead();
  constructor(public nextSteal: number) {}
}

export class BpfLruList {
  private readonly nodes = new Map<number, LruNode>();
  private readonly nrScans: number;
  private readonly targetFree: number;
  /** The common LRU's global list, or one list per CPU. */
  private readonly common: LruList | null;
  private readonly local: LocalList[];
  private readonly percpuLists: LruList[];

  /**
   * `elems`: every preallocated element, in memory order (bpf_lru_populate);
   * `delFromHtab` unlinks an element chosen for eviction from its bucket and
   * says whether it was there (htab_lru_map_delete_node).
   */
  constructor(
    private readonly arena: Arena,
    elems: readonly number[],
    private readonly nCpus: number,
    percpu: boolean,
    private readonly delFromHtab: (elem: number) => boolean,
  ) {
    if (percpu) {
      this.common = null;
      this.local = [];
      this.percpuLists = Array.from({ length: nCpus }, () => new LruList());
      this.nrScans = PERCPU_NR_SCANS;
      this.targetFree = PERCPU_FREE_TARGET;
      // bpf_percpu_lru_populate(): max_entries / nCpus nodes to each CPU, in order.
      const perCpu = Math.floor(elems.length / nCpus);
      let i = 0;
      for (let cpu = 0; cpu < nCpus && i < elems.length; cpu++) {
        do {
          const node = this.nodeFor(elems[i++]);
          node.cpu = cpu;
          listAdd(node, this.percpuLists[cpu].lists[T_FREE]);
        } while (i < elems.length && i % perCpu !== 0);
      }
    } else {
      this.common = new LruList();
      this.local = Array.from({ length: nCpus }, (_, cpu) => new LocalList(cpu));
      this.percpuLists = [];
      this.nrScans = LOCAL_NR_SCANS;
      this.targetFree = Math.min(Math.max(Math.floor(Math.floor(elems.length / nCpus) / 2), 1), LOCAL_FREE_TARGET);
      for (const e of elems) listAdd(this.nodeFor(e), this.common.lists[T_FREE]);
    }
  }

  private nodeFor(elem: number): LruNode {
    const node = new LruNode(elem);
    this.nodes.set(elem, node);
    this.clearRef(node);
    return node;
  }

  private isRef(n: LruNode): boolean { return this.arena.bytes[n.elem + ELEM_REF] !== 0; }
  private clearRef(n: LruNode): void { this.arena.bytes[n.elem + ELEM_REF] = 0; }

  /** bpf_lru_pop_free(): a node for a new element on `cpu`, evicting if needed; 0 when none can be had. */
  popFree(cpu: number): number {
    return (this.common ? this.commonPopFree(this.common, cpu) : this.percpuPopFree(cpu))?.elem ?? 0;
  }

  /** bpf_lru_push_free(): an element that left the table (deleted, replaced, or a failed update's). */
  pushFree(elem: number): void {
    const node = this.nodes.get(elem);
    if (!node) throw new Error(`lru: element ${elem} is not one of the map's`);
    if (!this.common) {
      this.move(this.percpuLists[node.cpu], node, T_FREE);
    } else if (node.type === T_LOCAL_PENDING) {
      node.type = T_LOCAL_FREE;
      this.clearRef(node);
      listMove(node, this.local[node.cpu].free);
    } else {
      this.move(this.common, node, T_FREE);
    }
  }

  // ---- moves between lists ---------------------------------------------------

  private countDec(l: LruList, type: number): void { if (type < NR_COUNTED) l.counts[type]--; }
  private countInc(l: LruList, type: number): void { if (type < NR_COUNTED) l.counts[type]++; }

  /** __bpf_lru_node_move_to_free(). */
  private moveToFree(l: LruList, node: LruNode, freeList: ListHead, type: number): void {
    if (node === l.nextInactiveRotation) l.nextInactiveRotation = l.nextInactiveRotation.prev;
    this.countDec(l, node.type);
    node.type = type;
    listMove(node, freeList);
  }

  /** __bpf_lru_node_move_in(): from a local list into the LRU list. */
  private moveIn(l: LruList, node: LruNode, type: number): void {
    this.countInc(l, type);
    node.type = type;
    this.clearRef(node);
    listMove(node, l.lists[type]);
  }

  /** __bpf_lru_node_move(): between or within the active, inactive and free lists. */
  private move(l: LruList, node: LruNode, type: number): void {
    if (node.type !== type) {
      this.countDec(l, node.type);
      this.countInc(l, type);
      node.type = type;
    }
    this.clearRef(node);
    if (node === l.nextInactiveRotation) l.nextInactiveRotation = l.nextInactiveRotation.prev;
    listMove(node, l.lists[type]);
  }

  // ---- rotation and shrinking -------------------------------------------------

  /** __bpf_lru_list_rotate_active(): from the tail, referenced nodes back to the head, others to inactive. */
  private rotateActive(l: LruList): void {
    const active = l.lists[T_ACTIVE];
    const first = active.next;
    let i = 0;
    for (const node of reverseSafe(active)) {
      this.move(l, node, this.isRef(node) ? T_ACTIVE : T_INACTIVE);
      if (++i === this.nrScans || node === first) break;
    }
  }

  /** __bpf_lru_list_rotate_inactive(): from next_inactive_rotation backwards, referenced nodes to active. */
  private rotateInactive(l: LruList): void {
    const inactive = l.lists[T_INACTIVE];
    if (listEmpty(inactive)) return;
    let last = l.nextInactiveRotation.next;
    if (last === inactive) last = last.next;
    let cur = l.nextInactiveRotation;
    let next: ListHead = inactive;
    let i = 0;
    while (i < this.nrScans) {
      if (cur === inactive) {
        cur = cur.prev;
        continue;
      }
      const node = cur as LruNode;
      next = cur.prev;
      if (this.isRef(node)) this.move(l, node, T_ACTIVE);
      if (cur === last) break;
      cur = next;
      i++;
    }
    l.nextInactiveRotation = next;
  }

  /** __bpf_lru_list_shrink_inactive(): evicts unreferenced inactive nodes from the tail. */
  private shrinkInactive(l: LruList, target: number, freeList: ListHead, type: number): number {
    let shrunk = 0;
    let i = 0;
    for (const node of reverseSafe(l.lists[T_INACTIVE])) {
      if (this.isRef(node)) {
        this.move(l, node, T_ACTIVE);
      } else if (this.delFromHtab(node.elem)) {
        this.moveToFree(l, node, freeList, type);
        if (++shrunk === target) break;
      }
      if (++i === this.nrScans) break;
    }
    return shrunk;
  }

  /** __bpf_lru_list_shrink(): else evicts one node regardless of its reference bit, inactive list first. */
  private shrink(l: LruList, target: number, freeList: ListHead, type: number): number {
    const shrunk = this.shrinkInactive(l, target, freeList, type);
    if (shrunk) return shrunk;
    const force = listEmpty(l.lists[T_INACTIVE]) ? l.lists[T_ACTIVE] : l.lists[T_INACTIVE];
    for (const node of reverseSafe(force)) {
      if (this.delFromHtab(node.elem)) {
        this.moveToFree(l, node, freeList, type);
        return 1;
      }
    }
    return 0;
  }

  private rotate(l: LruList): void {
    if (l.counts[T_INACTIVE] < l.counts[T_ACTIVE]) this.rotateActive(l);
    this.rotateInactive(l);
  }

  // ---- common LRU ---------------------------------------------------------------

  /** bpf_lru_list_pop_free_to_local(): flush the pending list, rotate, then refill the local free list. */
  private popFreeToLocal(l: LruList, loc: LocalList): void {
    for (const node of reverseSafe(loc.pending)) this.moveIn(l, node, this.isRef(node) ? T_ACTIVE : T_INACTIVE);
    this.rotate(l);
    let nfree = 0;
    for (let n = l.lists[T_FREE].next; n !== l.lists[T_FREE] && nfree < this.targetFree; nfree++) {
      const node = n as LruNode;
      n = n.next;
      this.moveToFree(l, node, loc.free, T_LOCAL_FREE);
    }
    if (nfree < this.targetFree) this.shrink(l, this.targetFree - nfree, loc.free, T_LOCAL_FREE);
  }

  private static popLocalFree(loc: LocalList): LruNode | null {
    if (listEmpty(loc.free)) return null;
    const node = loc.free.next as LruNode;
    listDel(node);
    return node;
  }

  /** __local_list_pop_pending(): the oldest unreferenced pending node, else the oldest. */
  private popPending(loc: LocalList): LruNode | null {
    for (const force of [false, true]) {
      for (let n = loc.pending.prev; n !== loc.pending; n = n.prev) {
        const node = n as LruNode;
        if ((force || !this.isRef(node)) && this.delFromHtab(node.elem)) {
          listDel(node);
          return node;
        }
      }
    }
    return null;
  }

  private addPending(loc: LocalList, cpu: number, node: LruNode): void {
    node.cpu = cpu;
    node.type = T_LOCAL_PENDING;
    this.clearRef(node);
    listAdd(node, loc.pending);
  }

  /** bpf_common_lru_pop_free(). */
  private commonPopFree(l: LruList, cpu: number): LruNode | null {
    const loc = this.local[cpu];
    let node = BpfLruList.popLocalFree(loc);
    if (!node) {
      this.popFreeToLocal(l, loc);
      node = BpfLruList.popLocalFree(loc);
    }
    if (!node) {
      // Steal from the CPUs' local free, then pending, lists, round robin from next_steal.
      const first = loc.nextSteal;
      let steal = first;
      do {
        const victim = this.local[steal];
        node = BpfLruList.popLocalFree(victim) ?? this.popPending(victim);
        steal = (steal + 1) % this.nCpus;
      } while (!node && steal !== first);
      loc.nextSteal = steal;
    }
    if (node) this.addPending(loc, cpu, node);
    return node;
  }

  // ---- per-CPU LRU ----------------------------------------------------------------

  /** bpf_percpu_lru_pop_free(): the node goes straight to the inactive list. */
  private percpuPopFree(cpu: number): LruNode | null {
    const l = this.percpuLists[cpu];
    this.rotate(l);
    const free = l.lists[T_FREE];
    if (listEmpty(free)) this.shrink(l, this.targetFree, free, T_FREE);
    if (listEmpty(free)) return null;
    const node = free.next as LruNode;
    this.clearRef(node);
    this.move(l, node, T_INACTIVE);
    return node;
  }
}
