import koffi from 'koffi';

let libcStrerror: ((errno: number) => string) | null | undefined;

/** The C library's message for an errno (what bpftool prints), e.g. `Unknown error 524` for ENOTSUPP. */
export function strerror(errno: number): string {
  if (libcStrerror === undefined) {
    try {
      libcStrerror = koffi.load('libc.so.6').func('const char *strerror(int errnum)') as (errno: number) => string;
    } catch {
      libcStrerror = null;
    }
  }
  return libcStrerror?.(errno) ?? `Unknown error ${errno}`;
}
