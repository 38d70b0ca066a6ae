/**
 * Root of tsbpf's typed errors. Every error says where it happened: which
 * instruction, section, line or byte offset, in `where` and in its message.
 */
export class TsbpfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
