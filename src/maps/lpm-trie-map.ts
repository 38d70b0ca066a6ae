import type { Arena } from '../memory/arena.js';
import type { ResolvedMapDefinition } from './definition.js';
import { BpfMap, round8 } from './bpf-map.js';
import { accessFlagsOk } from './array-checks.js';
import { MapDefinitionError } from './errors.js';
import { EEXIST, EINVAL, ENOENT, ENOSPC } from './errno.js';
import { BPF_EXIST, BPF_F_ACCESS_MASK, BPF_F_NO_PREALLOC, BPF_F_NUMA_NODE, BPF_NOEXIST } from './flags.js';

const LPM_CREATE_FLAG_MASK = BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK;
const LPM_DATA_SIZE_MAX = 256;
const LPM_VAL_SIZE_MAX = (1 << 22) - LPM_DATA_SIZE_MAX - 40;

/** A trie node; intermediate nodes (im) have no value and always two children. */
interface LpmNode {
  prefixlen: number;
  data: Uint8Array;
  im: boolean;
  child: [LpmNode | null, LpmNode | null];
  /** Arena offset of the value (0 for intermediate nodes). */
  value: number;
}

/** Bit `index` of `data`, most significant bit of byte 0 first (extract_bit). */
const extractBit = (data: Uint8Array, index: number): 0 | 1 => ((data[index >> 3] >> (7 - (index & 7))) & 1) as 0 | 1;

/**
 * BPF_MAP_TYPE_LPM_TRIE: longest-prefix match on keys laid out as the
 * kernel's struct bpf_lpm_trie_key_u8 { u32 prefixlen; u8 data[] } (prefixlen
 * in host byte order, data in network order). The tree is lpm_trie.c's: a
 * binary trie with intermediate nodes, so get_next_key walks it in the
 * kernel's post order (more specific prefixes before the ones containing them).
 * A full trie refuses new prefixes with -ENOSPC; BPF_NOEXIST/BPF_EXIST apply.
 */
export class LpmTrieMap extends BpfMap {
  readonly dataSize: number;
  readonly maxPrefixlen: number;
  private root: LpmNode | null = null;
  /** Non-intermediate nodes. */
  private nEntries = 0;
  /** Value blocks of removed nodes, kept (with their regions) for reuse. */
  private readonly freeValues: number[] = [];

  constructor(arena: Arena, def: ResolvedMapDefinition) {
    super(arena, def, (d) => {
      if (d.maxEntries === 0 || (d.flags & BPF_F_NO_PREALLOC) === 0 || (d.flags & ~LPM_CREATE_FLAG_MASK) !== 0 || !accessFlagsOk(d.flags)
        || d.keySize < 5 || d.keySize > 4 + LPM_DATA_SIZE_MAX || d.valueSize < 1 || d.valueSize > LPM_VAL_SIZE_MAX) {
        throw new MapDefinitionError(d.name, EINVAL, 'LPM tries need BPF_F_NO_PREALLOC, key_size 5..260 (u32 prefixlen + data) and a value_size');
      }
    });
    this.dataSize = def.keySize - 4;
    this.maxPrefixlen = this.dataSize * 8;
  }

  /** Prefixes stored. */
  get size(): number { return this.nEntries; }

  private prefixlenAt(keyOffset: number): number {
    return this.arena.view.getUint32(keyOffset, true);
  }

  private dataAt(keyOffset: number): Uint8Array {
    return this.arena.bytes.subarray(keyOffset + 4, keyOffset + 4 + this.dataSize);
  }

  /** longest_prefix_match(): leading bits `node` and the key share, up to both prefix lengths. */
  private longestPrefixMatch(node: LpmNode, prefixlen: number, data: Uint8Array): number {
    const limit = Math.min(node.prefixlen, prefixlen);
    let bits = 0;
    for (let i = 0; bits < limit; i++) {
      const diff = node.data[i] ^ data[i];
      if (diff !== 0) {
        bits += Math.clz32(diff) - 24;
        return Math.min(bits, limit);
      }
      bits += 8;
    }
    return Math.min(bits, limit);
  }

  private newValue(valueOffset: number): number {
    let v = this.freeValues.pop();
    if (v === undefined) {
      v = this.alloc(round8(this.def.valueSize));
      this.addRegion(v, this.def.valueSize, 'map_value', 'value', this.programWritable);
    }
    this.copyValue(v, valueOffset);
    return v;
  }

  /** longestPrefixMatch on a key's data read in place (the arena's bytes from `at`): lookups allocate nothing. */
  private longestPrefixMatchAt(node: LpmNode, prefixlen: number, bytes: Uint8Array, at: number): number {
    const limit = Math.min(node.prefixlen, prefixlen);
    let bits = 0;
    for (let i = 0; bits < limit; i++) {
      const diff = node.data[i] ^ bytes[at + i];
      if (diff !== 0) {
        bits += Math.clz32(diff) - 24;
        return Math.min(bits, limit);
      }
      bits += 8;
    }
    return Math.min(bits, limit);
  }

  /** trie_lookup_elem(): the value of the longest stored prefix of the key, or 0. */
  override lookupElem(keyOffset: number): number {
    const prefixlen = this.prefixlenAt(keyOffset);
    if (prefixlen > this.maxPrefixlen) return 0;
    const bytes = this.arena.bytes;
    const at = keyOffset + 4;
    let found: LpmNode | null = null;
    for (let node = this.root; node;) {
      const matchlen = this.longestPrefixMatchAt(node, prefixlen, bytes, at);
      if (matchlen === this.maxPrefixlen) {
        found = node;
        break;
      }
      if (matchlen < node.prefixlen) break;
      if (!node.im) found = node;
      const index = node.prefixlen;
      node = node.child[(bytes[at + (index >> 3)] >> (7 - (index & 7))) & 1];
    }
    return found ? found.value : 0;
  }

  /** trie_check_add_elem(). */
  private checkAdd(flags: number): number {
    if (flags === BPF_EXIST) return -ENOENT;
    if (this.nEntries === this.def.maxEntries) return -ENOSPC;
    this.nEntries++;
    return 0;
  }

  /** trie_update_elem(). */
  override updateElem(keyOffset: number, valueOffset: number, flags: number): number {
    if (flags > BPF_EXIST) return -EINVAL;
    const prefixlen = this.prefixlenAt(keyOffset);
    if (prefixlen > this.maxPrefixlen) return -EINVAL;
    const data = this.dataAt(keyOffset).slice();
    let parent: LpmNode | null = null;
    let side: 0 | 1 = 0;
    let node = this.root;
    let matchlen = 0;
    while (node) {
      matchlen = this.longestPrefixMatch(node, prefixlen, data);
      if (node.prefixlen !== matchlen || node.prefixlen === prefixlen) break;
      parent = node;
      side = extractBit(data, node.prefixlen);
      node = node.child[side];
    }
    const setSlot = (n: LpmNode): void => {
      if (parent) parent.child[side] = n;
      else this.root = n;
    };
    const make = (): LpmNode => ({ prefixlen, data, im: false, child: [null, null], value: this.newValue(valueOffset) });

    if (!node) {
      const r = this.checkAdd(flags);
      if (r !== 0) return r;
      setSlot(make());
      return 0;
    }
    if (node.prefixlen === matchlen) {
      if (!node.im) {
        if (flags === BPF_NOEXIST) return -EEXIST;
      } else {
        const r = this.checkAdd(flags);
        if (r !== 0) return r;
      }
      const fresh = make();
      fresh.child = [node.child[0], node.child[1]];
      setSlot(fresh);
      if (!node.im) this.freeValues.push(node.value);
      return 0;
    }
    const r = this.checkAdd(flags);
    if (r !== 0) return r;
    const fresh = make();
    if (matchlen === prefixlen) {
      fresh.child[extractBit(node.data, matchlen)] = node;
      setSlot(fresh);
      return 0;
    }
    const im: LpmNode = { prefixlen: matchlen, data: node.data.slice(), im: true, child: [null, null], value: 0 };
    if (extractBit(data, matchlen)) im.child = [node, fresh];
    else im.child = [fresh, node];
    setSlot(im);
    return 0;
  }

  /** trie_delete_elem(). */
  override deleteElem(keyOffset: number): number {
    const prefixlen = this.prefixlenAt(keyOffset);
    if (prefixlen > this.maxPrefixlen) return -EINVAL;
    const data = this.dataAt(keyOffset);
    // Slots as (owner node or null for the root, side).
    let trim: [LpmNode | null, 0 | 1] = [null, 0];
    let trim2: [LpmNode | null, 0 | 1] = trim;
    let parent: LpmNode | null = null;
    let node = this.root;
    let matchlen = 0;
    while (node) {
      matchlen = this.longestPrefixMatch(node, prefixlen, data);
      if (node.prefixlen !== matchlen || node.prefixlen === prefixlen) break;
      parent = node;
      trim2 = trim;
      const bit = extractBit(data, node.prefixlen);
      trim = [node, bit];
      node = node.child[bit];
    }
    if (!node || node.prefixlen !== prefixlen || node.prefixlen !== matchlen || node.im) return -ENOENT;
    this.nEntries--;
    const set = ([owner, bit]: [LpmNode | null, 0 | 1], n: LpmNode | null): void => {
      if (owner) owner.child[bit] = n;
      else this.root = n;
    };
    this.freeValues.push(node.value);
    if (node.child[0] && node.child[1]) {
      node.im = true;
      node.value = 0;
      return 0;
    }
    if (parent && parent.im && !node.child[0] && !node.child[1]) {
      set(trim2, node === parent.child[0] ? parent.child[1] : parent.child[0]);
      return 0;
    }
    set(trim, node.child[0] ?? node.child[1]);
    return 0;
  }

  /** trie_get_next_key(): post order; a missing or bad key restarts from the leftmost node. */
  protected getNextKey(keyOffset: number | null, nextOffset: number): number {
    const root = this.root;
    if (!root) return -ENOENT;
    let next: LpmNode | null = null;
    const leftmost = (from: LpmNode): LpmNode => {
      let found: LpmNode | null = null;
      for (let n: LpmNode | null = from; n;) {
        if (n.im) {
          n = n.child[0];
        } else {
          found = n;
          n = n.child[0] ?? found.child[1];
        }
      }
      return found!;
    };
    const prefixlen = keyOffset === null ? 0 : this.prefixlenAt(keyOffset);
    if (keyOffset === null || prefixlen > this.maxPrefixlen) {
      next = leftmost(root);
    } else {
      const data = this.dataAt(keyOffset);
      const stack: LpmNode[] = [];
      let node: LpmNode | null = root;
      let matchlen = 0;
      while (node) {
        stack.push(node);
        matchlen = this.longestPrefixMatch(node, prefixlen, data);
        if (node.prefixlen !== matchlen || node.prefixlen === prefixlen) break;
        node = node.child[extractBit(data, node.prefixlen)];
      }
      if (!node || node.prefixlen !== matchlen || node.im) {
        next = leftmost(root);
      } else {
        node = stack[stack.length - 1];
        let sp = stack.length - 1;
        while (sp > 0 && next === null) {
          const up = stack[sp - 1];
          if (up.child[0] === node && up.child[1]) {
            next = leftmost(up.child[1]);
            break;
          }
          if (!up.im) {
            next = up;
            break;
          }
          node = up;
          sp--;
        }
        if (next === null) return -ENOENT;
      }
    }
    this.arena.view.setUint32(nextOffset, next.prefixlen, true);
    this.arena.bytes.set(next.data, nextOffset + 4);
    return 0;
  }
}
