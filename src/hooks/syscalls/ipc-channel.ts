/**
 * Whether `fd` is the IPC channel to the parent process (fork(), or the
 * channel `tsbpf attach` sends events on). Its reads, writes and close are
 * not reported: under `tsbpf attach` each event a program emits about a
 * write would be sent as another write on that channel, an endless loop.
 */
export function isIpcChannel(fd: number): boolean {
  if (fd < 0) return false;
  return (process as { channel?: { fd?: unknown } }).channel?.fd === fd;
}
