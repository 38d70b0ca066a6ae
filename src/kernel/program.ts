import { programInfoByFd, type KernelProgramInfo } from './obj-info.js';
import { OwnedFd } from './owned-fd.js';
import { sysClose } from './syscall.js';
import { loadProgram, progTypeNumber, type ProgLoadOptions } from './prog-load.js';
import { testRun, type TestRunOptions, type TestRunResult } from './test-run.js';

/** A program loaded into the kernel, owned through its fd: call close() when done. */
export class KernelProgram {
  private readonly owned: OwnedFd;
  readonly type: number;
  readonly name: string;
  /** The verifier log, when the load asked for one (logLevel > 0). */
  readonly log: string;

  private constructor(fd: number, options: ProgLoadOptions, log: string) {
    this.owned = new OwnedFd(fd, 'program');
    this.type = progTypeNumber(options.type);
    this.name = options.name ?? '';
    this.log = log;
  }

  /** BPF_PROG_LOAD; throws VerifierRejectedError (with the log) when the verifier refuses. */
  static load(options: ProgLoadOptions): KernelProgram {
    const { fd, log } = loadProgram(options);
    return new KernelProgram(fd, options, log);
  }

  /**
   * Takes ownership of `fd`, a program fd from BPF_OBJ_GET or
   * BPF_PROG_GET_FD_BY_ID, reading its type and name from the kernel.
   */
  static fromFd(fd: number): KernelProgram {
    let info: KernelProgramInfo;
    try {
      info = programInfoByFd(fd);
    } catch (err) {
      sysClose(fd);
      throw err;
    }
    return new KernelProgram(fd, { type: info.type, insns: new Uint8Array(0), name: info.name }, '');
  }

  get fd(): number {
    return this.owned.fd;
  }

  get closed(): boolean {
    return this.owned.closed;
  }

  /** BPF_PROG_TEST_RUN. */
  testRun(options: TestRunOptions = {}): TestRunResult {
    return testRun(this.fd, options);
  }

  /** BPF_OBJ_GET_INFO_BY_FD. */
  info(): KernelProgramInfo {
    return programInfoByFd(this.fd);
  }

  close(): void {
    this.owned.close();
  }
}
