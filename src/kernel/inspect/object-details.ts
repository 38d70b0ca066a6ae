import { readFileSync } from 'node:fs';
import koffi from 'koffi';
import { infoName, MAP_INFO_SIZE, objectInfo, PROG_INFO_SIZE, programTag } from '../obj-info.js';

/** struct bpf_prog_info as `prog list` shows it. */
export interface ProgramDetails {
  readonly id: number;
  readonly type: number;
  readonly name: string;
  readonly tag: string;
  readonly gplCompatible: boolean;
  /** Load time as a wall-clock Date (the kernel gives nanoseconds since boot). */
  readonly loadedAt: Date;
  readonly uid: number;
  readonly bytesXlated: number;
  readonly bytesJited: number;
  readonly mapIds: number[];
  readonly btfId: number;
}

/** struct bpf_map_info as `map list` and `map dump` use it. */
export interface MapDetails {
  readonly id: number;
  readonly type: number;
  readonly name: string;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly btfId: number;
  readonly btfKeyTypeId: number;
  readonly btfValueTypeId: number;
}

/** Wall-clock time of boot in ms: load_time counts nanoseconds of CLOCK_BOOTTIME, which /proc/uptime shows. */
function bootTimeMs(): number {
  return Date.now() - Number.parseFloat(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
}

/** BPF_OBJ_GET_INFO_BY_FD on a program, twice: once for the number of map ids, once to fetch them. */
export function programDetails(fd: number): ProgramDetails {
  let v = objectInfo(fd, new Uint8Array(PROG_INFO_SIZE));
  const mapCount = v.getUint32(52, true);
  let mapIds: number[] = [];
  if (mapCount > 0) {
    const ids = new Uint8Array(mapCount * 4);
    const bytes = new Uint8Array(PROG_INFO_SIZE);
    const dv = new DataView(bytes.buffer);
    dv.setUint32(52, mapCount, true);
    // map_ids is a user pointer inside the info struct; `ids` stays referenced until after the call.
    void ids.buffer; // off the V8 heap, where it does not move
    dv.setBigUint64(56, koffi.address(ids), true);
    v = objectInfo(fd, bytes);
    const idView = new DataView(ids.buffer);
    mapIds = Array.from({ length: Math.min(mapCount, v.getUint32(52, true)) }, (_, i) => idView.getUint32(i * 4, true));
  }
  const loadNs = v.getBigUint64(40, true);
  return {
    type: v.getUint32(0, true),
    id: v.getUint32(4, true),
    tag: programTag(v),
    bytesJited: v.getUint32(16, true),
    bytesXlated: v.getUint32(20, true),
    loadedAt: new Date(bootTimeMs() + Number(loadNs / 1_000_000n)),
    uid: v.getUint32(48, true),
    mapIds,
    name: infoName(v, 64),
    gplCompatible: (v.getUint32(84, true) & 1) !== 0,
    btfId: v.getUint32(128, true),
  };
}

export function mapDetails(fd: number): MapDetails {
  const v = objectInfo(fd, new Uint8Array(MAP_INFO_SIZE));
  return {
    type: v.getUint32(0, true),
    id: v.getUint32(4, true),
    keySize: v.getUint32(8, true),
    valueSize: v.getUint32(12, true),
    maxEntries: v.getUint32(16, true),
    flags: v.getUint32(20, true),
    name: infoName(v, 24),
    btfId: v.getUint32(64, true),
    btfKeyTypeId: v.getUint32(68, true),
    btfValueTypeId: v.getUint32(72, true),
  };
}
