/**
 * The objects that own the libuv handles keeping the process alive now
 * (net.Socket, net.Server…: process._getActiveHandles(), undocumented, in
 * Node since its beginnings), or none on a Node without it. Unref'd handles
 * are not among them.
 */
export function activeHandleOwners(): unknown[] {
  try {
    const list = (process as { _getActiveHandles?: () => unknown })._getActiveHandles?.();
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** The libuv handle under a net.Socket or net.Server (its `_handle`), or null. */
export function handleOf(owner: unknown): Record<string, unknown> | null {
  const handle = (owner as { _handle?: unknown } | null)?._handle;
  return handle !== null && typeof handle === 'object' ? handle as Record<string, unknown> : null;
}
