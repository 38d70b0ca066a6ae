/** What one stream write puts on the wire: its byte count and its first bytes (what a program can see of them). */
export interface WriteData {
  readonly count: number;
  readonly head: Uint8Array;
}

/** The string encodings of LibuvStreamWrap's write<Encoding>String methods. */
export const STRING_WRITES: ReadonlyArray<readonly [string, BufferEncoding]> = [
  ['writeUtf8String', 'utf8'],
  ['writeLatin1String', 'latin1'],
  ['writeAsciiString', 'ascii'],
  ['writeUcs2String', 'ucs2'],
];

const view = (v: ArrayBufferView): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

/** The first `limit` bytes of `text` encoded, without encoding all of a long string. */
function stringHead(text: string, encoding: BufferEncoding, limit: number): Uint8Array {
  // Every encoding here gives at least one byte per UTF-16 unit: `limit` units are enough, one
  // more when the cut would split a surrogate pair (which would encode as U+FFFD).
  let end = Math.min(text.length, limit);
  if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end++;
  const bytes = Buffer.from(text.slice(0, end), encoding);
  return bytes.subarray(0, Math.min(bytes.length, limit));
}

/** One string written: its length in `encoding` and its head. */
export function stringWrite(text: string, encoding: BufferEncoding, limit: number): WriteData {
  return { count: Buffer.byteLength(text, encoding), head: stringHead(text, encoding, limit) };
}

export function bufferWrite(data: ArrayBufferView, limit: number): WriteData {
  const bytes = view(data);
  return { count: bytes.length, head: bytes.subarray(0, Math.min(bytes.length, limit)) };
}

/**
 * writev(req, chunks, allBuffers): the chunks are buffers, or (allBuffers
 * false) pairs of a chunk and its encoding ('buffer' for a buffer), as
 * Node's stream code passes them. The head is the chunks' bytes joined.
 */
export function writevWrite(chunks: readonly unknown[], allBuffers: boolean, limit: number): WriteData {
  const parts: WriteData[] = [];
  const step = allBuffers ? 1 : 2;
  for (let i = 0; i < chunks.length; i += step) {
    const chunk = chunks[i];
    if (ArrayBuffer.isView(chunk)) parts.push(bufferWrite(chunk, limit));
    else parts.push(stringWrite(String(chunk), (allBuffers ? 'utf8' : chunks[i + 1]) as BufferEncoding, limit));
  }
  const count = parts.reduce((s, p) => s + p.count, 0);
  const head = new Uint8Array(Math.min(count, limit));
  let at = 0;
  for (const p of parts) {
    if (at >= head.length) break;
    const n = Math.min(p.head.length, head.length - at);
    head.set(p.head.subarray(0, n), at);
    at += n;
  }
  return { count, head: head.subarray(0, at) };
}
