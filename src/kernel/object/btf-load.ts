import { BpfAttr } from '../bpf-attr.js';
import { ENOSPC } from '../errno.js';
import { KernelError } from '../errors.js';
import { OwnedFd } from '../owned-fd.js';
import { sysBpf } from '../syscall.js';
import { BpfCmd } from '../uapi.js';

/** BPF_BTF_LOAD refused: carries the kernel's BTF verifier log. */
export class BtfLoadError extends KernelError {
  constructor(errno: number, readonly log: string) {
    super('BPF_BTF_LOAD', errno, log.trim().split('\n').at(-1) || 'no BTF log');
  }
}

/** BTF loaded into the kernel, owned through its fd. */
export class KernelBtf {
  private readonly owned: OwnedFd;

  private constructor(fd: number) {
    this.owned = new OwnedFd(fd, 'btf');
  }

  /**
   * BPF_BTF_LOAD of raw BTF bytes (header, types, strings). Without `withLog`
   * a refusal is retried with a level-1 log, to say why.
   */
  static load(bytes: Uint8Array, withLog = false): KernelBtf {
    if (!withLog) {
      try {
        return new KernelBtf(sysBpf(BpfCmd.BPF_BTF_LOAD, btfAttr(bytes, undefined)));
      } catch (err) {
        if (!(err instanceof KernelError)) throw err;
      }
    }
    let size = 1 << 16;
    for (;;) {
      const log = new Uint8Array(size);
      try {
        return new KernelBtf(sysBpf(BpfCmd.BPF_BTF_LOAD, btfAttr(bytes, log)));
      } catch (err) {
        if (!(err instanceof KernelError)) throw err;
        if (err.errno === ENOSPC && size < 1 << 24) { size *= 4; continue; }
        const end = log.indexOf(0);
        throw new BtfLoadError(err.errno, new TextDecoder().decode(end < 0 ? log : log.subarray(0, end)));
      }
    }
  }

  get fd(): number {
    return this.owned.fd;
  }

  close(): void {
    this.owned.close();
  }
}

/** union bpf_attr for BPF_BTF_LOAD: btf, btf_log_buf, btf_size, btf_log_size, btf_log_level. */
function btfAttr(bytes: Uint8Array, log: Uint8Array | undefined): BpfAttr {
  return new BpfAttr()
    .pointer(0, bytes)
    .pointer(8, log)
    .u32(16, bytes.length)
    .u32(20, log?.length ?? 0)
    .u32(24, log ? 1 : 0);
}
