/** AF_UNIX, as the kernel numbers it. */
const AF_UNIX = 1;
/** sizeof(struct sockaddr_un): sa_family_t sun_family; char sun_path[108]. */
const SOCKADDR_UN_SIZE = 110;
const SUN_PATH = 2;

/**
 * The struct sockaddr_un libuv passes to connect() for a Unix socket path,
 * and its length: the whole struct for a path (as libuv's uv_pipe_connect
 * does), the family and the name's bytes for a Linux abstract name ("\0…").
 */
export function sockaddrUn(path: string): { bytes: Uint8Array; length: number } {
  const bytes = new Uint8Array(SOCKADDR_UN_SIZE);
  new DataView(bytes.buffer).setUint16(0, AF_UNIX, true);
  const name = Buffer.from(path, 'utf8').subarray(0, SOCKADDR_UN_SIZE - SUN_PATH);
  bytes.set(name, SUN_PATH);
  return { bytes, length: name[0] === 0 ? SUN_PATH + name.length : SOCKADDR_UN_SIZE };
}
