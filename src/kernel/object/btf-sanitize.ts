import type { Btf } from '../../btf/btf.js';
import {
  BTF_KIND_CONST, BTF_KIND_ENUM, BTF_KIND_FUNC, BTF_KIND_INT, BTF_KIND_STRUCT, BTF_KIND_TYPEDEF, BTF_KIND_UNION,
} from '../../btf/kinds.js';
import { buildBtfBlob, btfInfo } from './btf-blob.js';
import type { BtfFeatures } from './btf-features.js';

/** BTF_INT_ENC(0, 0, bits): an unsigned int of `bits` bits. */
const intEnc = (bits: number): number => bits;

/**
 * Rewrites an object's BTF so that a kernel lacking some kinds accepts it,
 * keeping every type id (types are only rewritten in place or appended), as
 * libbpf's BTF sanitising does:
 * - no DATASEC/VAR: a VAR becomes a 1-byte INT, a DATASEC a STRUCT of them
 *   (with `.` in its name turned into `_`);
 * - no FUNC/FUNC_PROTO: a FUNC_PROTO becomes an ENUM of its parameters, a FUNC a TYPEDEF;
 * - no global functions: FUNC linkage becomes static;
 * - no FLOAT: an empty STRUCT of the same size;
 * - no DECL_TAG (or no FUNC or DATASEC to tag): a nameless 1-byte INT; no TYPE_TAG: CONST;
 * - no ENUM64: a UNION of its enumerators, each typed by an appended
 *   unsigned INT of the enum's size.
 * Returns the input bytes when nothing needs to change.
 */
export function sanitizeBtf(btf: Btf, kernel: BtfFeatures): Uint8Array {
  // A decl tag on a function parameter or a variable is invalid once its
  // target is rewritten, so tags go too when functions or variables do.
  const features = { ...kernel, declTag: kernel.declTag && kernel.func && kernel.datasec };
  const src = btf.bytes;
  const hdr = btf.header;
  const typeStart = hdr.hdrLen + hdr.typeOff;
  const strStart = hdr.hdrLen + hdr.strOff;
  const types = src.slice(typeStart, typeStart + hdr.typeLen);
  const strings = src.slice(strStart, strStart + hdr.strLen);
  const view = new DataView(types.buffer);
  const appended: number[] = [];
  let nextId = btf.typeCount;
  const extraInt = new Map<number, number>();
  let changed = false;
  const word = (at: number, i: number): number => view.getUint32(at + 4 * i, true);
  const setWord = (at: number, i: number, v: number): void => { view.setUint32(at + 4 * i, v >>> 0, true); changed = true; };

  for (const t of btf.all()) {
    const at = btf.offsetOf(t.id) - typeStart;
    const info = word(at, 1);
    const vlen = info & 0xffff;
    switch (t.kind) {
      case 'var':
        if (!features.datasec) { setWord(at, 1, btfInfo(BTF_KIND_INT)); setWord(at, 2, 1); setWord(at, 3, intEnc(8)); }
        break;
      case 'datasec':
        if (!features.datasec) {
          setWord(at, 1, btfInfo(BTF_KIND_STRUCT, vlen));
          for (let i = 0; i < vlen; i++) {
            const m = at + 12 + 12 * i;
            const varId = view.getUint32(m, true);
            const offset = view.getUint32(m + 4, true);
            const varNameOff = varId < btf.typeCount && varId > 0 ? word(btf.offsetOf(varId) - typeStart, 0) : 0;
            view.setUint32(m, varNameOff, true);
            view.setUint32(m + 4, varId, true);
            view.setUint32(m + 8, offset * 8, true);
          }
          const nameOff = word(at, 0);
          for (let i = nameOff; i < strings.length && strings[i] !== 0; i++) if (strings[i] === 0x2e) strings[i] = 0x5f;
        }
        break;
      case 'func_proto':
        if (!features.func) { setWord(at, 1, btfInfo(BTF_KIND_ENUM, vlen)); setWord(at, 2, 4); }
        break;
      case 'func':
        if (!features.func) setWord(at, 1, btfInfo(BTF_KIND_TYPEDEF));
        else if (!features.funcGlobal && vlen !== 0) setWord(at, 1, btfInfo(BTF_KIND_FUNC));
        break;
      case 'float':
        if (!features.float) setWord(at, 1, btfInfo(BTF_KIND_STRUCT));
        break;
      case 'decl_tag':
        if (!features.declTag) { setWord(at, 0, 0); setWord(at, 1, btfInfo(BTF_KIND_INT)); setWord(at, 2, 1); setWord(at, 3, intEnc(8)); }
        break;
      case 'type_tag':
        if (!features.typeTag) { setWord(at, 0, 0); setWord(at, 1, btfInfo(BTF_KIND_CONST)); }
        break;
      case 'enum64':
        if (!features.enum64) {
          const size = t.size;
          let intId = extraInt.get(size);
          if (intId === undefined) {
            intId = nextId++;
            extraInt.set(size, intId);
            appended.push(0, btfInfo(BTF_KIND_INT), size, intEnc(size * 8));
          }
          setWord(at, 1, btfInfo(BTF_KIND_UNION, vlen));
          for (let i = 0; i < vlen; i++) {
            const m = at + 12 + 12 * i;
            view.setUint32(m + 4, intId, true);
            view.setUint32(m + 8, 0, true);
          }
        }
        break;
      default:
        break;
    }
  }
  if (!changed && appended.length === 0) return src;
  const extra = new Uint8Array(appended.length * 4);
  const extraView = new DataView(extra.buffer);
  appended.forEach((w, i) => extraView.setUint32(i * 4, w >>> 0, true));
  const allTypes = new Uint8Array(types.length + extra.length);
  allTypes.set(types);
  allTypes.set(extra, types.length);
  return buildBtfBlob(allTypes, strings);
}
