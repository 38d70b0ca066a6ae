import { BpfAttr } from '../bpf-attr.js';
import { EINVAL, EOPNOTSUPP } from '../errno.js';
import { KernelError } from '../errors.js';
import { NotSupportedError } from '../features/not-supported-error.js';
import { OwnedFd } from '../owned-fd.js';
import { openPinnedOfKind, pinFd, unpin } from '../pin.js';
import { sysBpf, sysClose } from '../syscall.js';
import { BpfCmd } from '../uapi.js';
import type { AttachKind } from './errors.js';
import { BpfLinkType, type KernelLinkInfo } from './link-types.js';

const LINK_INFO_SIZE = 96; // room for struct bpf_link_info's common part and its largest simple union member

/** BPF_OBJ_GET_INFO_BY_FD on a link fd. */
export function linkInfoByFd(fd: number): KernelLinkInfo {
  const info = new Uint8Array(LINK_INFO_SIZE);
  sysBpf(BpfCmd.BPF_OBJ_GET_INFO_BY_FD, new BpfAttr().u32(0, fd).u32(4, LINK_INFO_SIZE).pointer(8, info));
  const v = new DataView(info.buffer);
  const type = v.getUint32(0, true);
  return { type, id: v.getUint32(4, true), progId: v.getUint32(8, true), kind: kindOfLink(type, v.getUint32(16, true)) };
}

/** The attach kind of a link, from bpf_link_info's type and, for perf links, enum bpf_perf_event_type (kernel 6.6+). */
function kindOfLink(type: number, perfEventType: number): AttachKind | 'other' {
  switch (type) {
    case BpfLinkType.BPF_LINK_TYPE_RAW_TRACEPOINT: return 'raw_tracepoint';
    case BpfLinkType.BPF_LINK_TYPE_CGROUP: return 'cgroup';
    case BpfLinkType.BPF_LINK_TYPE_XDP: return 'xdp';
    case BpfLinkType.BPF_LINK_TYPE_TCX: return 'tcx';
    case BpfLinkType.BPF_LINK_TYPE_PERF_EVENT:
      return (['perf_event', 'uprobe', 'uretprobe', 'kprobe', 'kretprobe', 'tracepoint', 'perf_event'] as const)[perfEventType] ?? 'perf_event';
    default: return 'other';
  }
}

/** How a KernelLink holds its attachment. */
export interface LinkParts {
  /** bpf link fds (one per CPU for perf_event sampling, else one; none for socket filters and clsact). */
  readonly links?: readonly number[];
  /** Other fds that live as long as the attachment (perf events behind perf links). */
  readonly companions?: readonly { fd: number; what: string }[];
  /** Undoes an attachment that is not a bpf link (SO_DETACH_BPF, a tc filter delete). */
  readonly release?: () => void;
}

/**
 * A program attached to a hook. Where the kernel has bpf links for the hook,
 * the attachment is one (or, for perf_event sampling, one per CPU): closing
 * the link's last fd detaches the program, and a pinned link outlives the
 * process. Socket filters and clsact filters are attachments without a link:
 * close() undoes them. Either way close() releases every fd it holds.
 */
export class KernelLink {
  private readonly links: OwnedFd[];
  private readonly companions: OwnedFd[];
  private release: (() => void) | undefined;
  private pinnedAt: string | undefined;

  constructor(readonly kind: AttachKind | 'other', readonly target: string, parts: LinkParts) {
    this.links = (parts.links ?? []).map((fd) => new OwnedFd(fd, `${kind} link`));
    this.companions = (parts.companions ?? []).map((c) => new OwnedFd(c.fd, c.what));
    this.release = parts.release;
  }

  /** Opens a link pinned at `path` (BPF_OBJ_GET); closing it leaves the pin in place. */
  static fromPinned(path: string): KernelLink {
    const fd = openPinnedOfKind(path, 'link');
    let kind: AttachKind | 'other';
    try {
      kind = linkInfoByFd(fd).kind;
    } catch (err) {
      sysClose(fd);
      throw err;
    }
    const link = new KernelLink(kind, path, { links: [fd] });
    link.pinnedAt = path;
    return link;
  }

  /** Whether the attachment is a bpf link (pinnable, listed by `bpftool link`). */
  get isBpfLink(): boolean {
    return this.links.length > 0;
  }

  /** The bpf link fd (the first one, for per-CPU sampling links). */
  get fd(): number {
    if (this.links.length === 0) throw new NotSupportedError(`bpf links for ${this.kind}`, `a ${this.kind} attachment is not a bpf link here`);
    return this.links[0].fd;
  }

  get closed(): boolean {
    return this.release === undefined && [...this.links, ...this.companions].every((l) => l.closed);
  }

  /** Link ids as bpftool lists them. */
  get ids(): number[] {
    return this.links.map((l) => linkInfoByFd(l.fd).id);
  }

  /** BPF_OBJ_GET_INFO_BY_FD (of the first link). */
  info(): KernelLinkInfo {
    return linkInfoByFd(this.fd);
  }

  /** Where pin() pinned it, if it did. */
  get pinPath(): string | undefined {
    return this.pinnedAt;
  }

  /**
   * BPF_OBJ_PIN: keeps the attachment alive in bpffs after this process closes
   * it or exits. Only single bpf links can be pinned.
   */
  pin(path: string): void {
    if (this.links.length !== 1) {
      throw new NotSupportedError(`pinning a ${this.kind} attachment`, this.links.length === 0 ? 'it is not a bpf link' : `it is ${this.links.length} links (one per CPU)`);
    }
    pinFd(this.links[0].fd, path);
    this.pinnedAt = path;
  }

  /** Removes the pin made by pin() (or the one this link was opened from). */
  unpin(): void {
    if (this.pinnedAt === undefined) return;
    unpin(this.pinnedAt);
    this.pinnedAt = undefined;
  }

  /**
   * Detaches the program now, even if the link is pinned or its fd shared
   * (BPF_LINK_DETACH: XDP, tcx, cgroup and netns links), and releases this
   * object's fds. Link types without a detach operation in the kernel (perf
   * event and raw tracepoint links) are only closed: a pin keeps them attached.
   */
  detach(): void {
    for (const link of this.links) {
      if (link.closed) continue;
      try {
        sysBpf(BpfCmd.BPF_LINK_DETACH, new BpfAttr().u32(0, link.fd));
      } catch (err) {
        // Perf-event and raw-tracepoint links have no detach operation: the last close detaches them.
        if (!(err instanceof KernelError) || (err.errno !== EOPNOTSUPP && err.errno !== EINVAL)) throw err;
      }
    }
    this.close();
  }

  /** Releases the attachment: closes the link fds (a pinned link stays attached) and undoes non-link attachments. */
  close(): void {
    const release = this.release;
    this.release = undefined;
    let failure: unknown;
    try {
      release?.();
    } catch (err) {
      failure = err;
    }
    for (const fd of [...this.links, ...this.companions]) {
      try {
        fd.close();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  }
}
