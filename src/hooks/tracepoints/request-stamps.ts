import { nextObjectId } from './object-ids.js';

/** Requests one connection may have in flight (pipelined) before the oldest are given up. */
const MAX_QUEUED = 256;

/**
 * The requests of one connection that have started and not yet ended,
 * oldest first, with each one's id and start time. The oldest sits in
 * fields of the queue itself, so that a connection with one request at a
 * time (no pipelining: nearly every client) touches no other object per
 * event; the requests after it wait in an array of (request, id, start)
 * triples. A connection's state (connection-state.ts) is its queue.
 */
export class RequestQueue {
  /** The stamps' generation the requests belong to (RequestStamps resets a queue of an older one). */
  generation = -1;
  count = 0;
  /** The id and start of the request that ended last (never the request itself). */
  endedId = 0;
  endedStartNs = 0n;
  private head: object | undefined = undefined;
  private headId = 0;
  private headStartNs = 0n;
  /** The requests after the head, as triples from `restAt` on. */
  private rest: unknown[] = [];
  private restAt = 0;

  /** Forgets every request (they belong to an older generation). */
  reset(generation: number): void {
    while (this.count > 0) this.dropOldest();
    this.generation = generation;
  }

  /** The id of `request` if it is the latest to start, else -1. */
  latestId(request: object): number {
    if (this.count === 0) return -1;
    if (this.count === 1) return this.head === request ? this.headId : -1;
    const last = this.rest.length - 3;
    return this.rest[last] === request ? (this.rest[last + 1] as number) : -1;
  }

  push(request: object, id: number, startNs: bigint): void {
    if (this.count >= MAX_QUEUED) this.dropOldest();
    if (this.count++ === 0) {
      this.head = request;
      this.headId = id;
      this.headStartNs = startNs;
    } else {
      this.rest.push(request, id, startNs);
    }
  }

  /**
   * Ends `request`: the requests before it never ended (responses come in
   * request order) and are dropped with it; endedId and endedStartNs are
   * then its own. False when it is not waiting here.
   */
  end(request: object): boolean {
    if (this.count === 0) return false;
    let before = 0;
    if (this.head !== request) {
      const rest = this.rest;
      let i = this.restAt;
      while (i < rest.length && rest[i] !== request) i += 3;
      if (i >= rest.length) return false;
      before = 1 + (i - this.restAt) / 3;
    }
    for (let i = 0; i < before; i++) this.dropOldest();
    this.endedId = this.headId;
    this.endedStartNs = this.headStartNs;
    this.dropOldest();
    return true;
  }

  /** Drops the oldest request: the next one becomes the head. */
  private dropOldest(): void {
    if (this.count === 0) return;
    if (--this.count === 0) {
      this.head = undefined;
      return;
    }
    const rest = this.rest;
    const at = this.restAt;
    this.head = rest[at] as object;
    this.headId = rest[at + 1] as number;
    this.headStartNs = rest[at + 2] as bigint;
    if (this.count === 1) {
      rest.length = 0;
      this.restAt = 0;
    } else {
      rest[at] = rest[at + 2] = undefined;
      this.restAt = at + 3;
    }
  }
}

/**
 * Ids and start times of HTTP requests, from the request's start to its
 * response's end, kept per connection: HTTP/1.1 answers a connection's
 * requests in order, so each connection holds a small queue, and a request
 * costs no entry of its own in any table. (A Map entry per request, set and
 * deleted, makes the Map rehash and allocate as it churns; a WeakMap entry
 * per request costs its garbage collector close to a microsecond; a
 * property on Node's request objects slows Node's own code: see
 * object-ids.ts; and a request held past its end, even until the next one
 * ends, survives scavenges it would have died in: measured on a live
 * server, each of these cost more than the rest of the tracepoint.)
 *
 * A request is let go at its end: end() is called once per end (the
 * server's stamps subscriber does, http-server-stamps.ts), and what it
 * returns is the request's id and start. A request that never ends (a
 * client gone mid-way) ends with its connection. Stamps made while the
 * tracepoints were attached are forgotten when the last one goes
 * (`acquire` / its release), so that a later attach never pairs a response
 * with another request's start.
 */
export class RequestStamps {
  private generation = 0;
  private userCount = 0;

  /** Users now: acquired and not yet released. */
  get users(): number {
    return this.userCount;
  }

  /** Marks a user of the stamps (a tracepoint installing its subscribers); returns its release (which does nothing a second time). */
  acquire(): () => void {
    this.userCount++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.userCount === 0) this.generation++;
    };
  }

  /** The request's id, given at its start at `nowNs` on its connection's queue (a request started twice keeps its first stamp). */
  start(request: object, q: RequestQueue, nowNs: bigint): number {
    if (q.generation !== this.generation) q.reset(this.generation);
    const known = q.latestId(request);
    if (known >= 0) return known;
    const id = nextObjectId();
    q.push(request, id, nowNs);
    return id;
  }

  /**
   * Ends the request: its connection's queue, whose endedId and
   * endedStartNs are then the request's; undefined when its start was not
   * seen (or it has ended already).
   */
  end(request: object, q: RequestQueue): RequestQueue | undefined {
    if (q.generation !== this.generation) return undefined;
    return q.end(request) ? q : undefined;
  }

  /** Requests started and not ended on a connection (for tests). */
  inFlight(q: RequestQueue): number {
    return q.generation !== this.generation ? 0 : q.count;
  }
}
