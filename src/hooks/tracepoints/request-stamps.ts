import { nextObjectId } from './object-ids.js';

/** Requests one connection may have in flight (pipelined) before the oldest are given up. */
const MAX_QUEUED = 256;

/**
 * The requests of one connection that have started and not yet ended,
 * oldest first (a ring), with each one's id and start time. Ids and times
 * sit in one buffer, as 8-byte pairs (id as a double, start as a u64): a
 * request costs no object of its own, and the times no BigInt kept alive.
 */
export class RequestQueue {
  requests: Array<object | undefined>;
  /** Pair i: ids[2i] and starts[2i + 1]; pair `capacity` holds the request that ended last (its id and start, never the request). */
  ids: Float64Array;
  starts: BigUint64Array;
  head = 0;
  count = 0;

  constructor(readonly generation: number) {
    this.requests = new Array<object | undefined>(4);
    ({ ids: this.ids, starts: this.starts } = pairs(4));
  }

  get capacity(): number {
    return this.requests.length;
  }

  /** Id of the request that ended last. */
  get endedId(): number {
    return this.ids[2 * this.capacity];
  }

  /** Start (monotonic ns) of the request that ended last. */
  get endedStartNs(): bigint {
    return this.starts[2 * this.capacity + 1];
  }

  at(i: number): number {
    return (this.head + i) & (this.requests.length - 1);
  }

  push(request: object, id: number, startNs: bigint): void {
    if (this.count === this.requests.length) {
      if (this.count >= MAX_QUEUED) this.shift();
      else this.grow();
    }
    const i = this.at(this.count++);
    this.requests[i] = request;
    this.ids[2 * i] = id;
    this.starts[2 * i + 1] = startNs;
  }

  shift(): void {
    this.requests[this.head] = undefined;
    this.head = (this.head + 1) & (this.requests.length - 1);
    this.count--;
  }

  /** Makes queued request k the one that ended last, and drops it with every request before it. */
  endAt(k: number): void {
    const last = this.requests.length;
    const from = this.at(k);
    this.ids[2 * last] = this.ids[2 * from];
    this.starts[2 * last + 1] = this.starts[2 * from + 1];
    for (let i = 0; i <= k; i++) this.shift();
  }

  private grow(): void {
    const n = this.requests.length;
    const requests = new Array<object | undefined>(2 * n);
    const { ids, starts } = pairs(2 * n);
    for (let i = 0; i < this.count; i++) {
      const from = this.at(i);
      requests[i] = this.requests[from];
      ids[2 * i] = this.ids[2 * from];
      starts[2 * i + 1] = this.starts[2 * from + 1];
    }
    ids[4 * n] = this.endedId;
    starts[4 * n + 1] = this.endedStartNs;
    this.requests = requests;
    this.ids = ids;
    this.starts = starts;
    this.head = 0;
  }
}

/** Room for `capacity` (id, start) pairs and the ended request's. */
function pairs(capacity: number): { ids: Float64Array; starts: BigUint64Array } {
  const buffer = new ArrayBuffer(16 * (capacity + 1));
  return { ids: new Float64Array(buffer), starts: new BigUint64Array(buffer) };
}

/** Where a connection's queue is kept: the connection's state (connection-state.ts), one lookup per event. */
export interface QueueHolder {
  requests: RequestQueue | undefined;
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

  /** The request's id, given at its start at `nowNs` (a request started twice keeps its first stamp). */
  start(request: object, connection: QueueHolder, nowNs: bigint): number {
    let q = connection.requests;
    if (q === undefined || q.generation !== this.generation) connection.requests = q = new RequestQueue(this.generation);
    if (q.count > 0) {
      const last = q.at(q.count - 1);
      if (q.requests[last] === request) return q.ids[2 * last];
    }
    const id = nextObjectId();
    q.push(request, id, nowNs);
    return id;
  }

  /**
   * Ends the request: its connection's queue, whose endedId and
   * endedStartNs are then the request's; undefined when its start was not
   * seen (or it has ended already).
   */
  end(request: object, connection: QueueHolder): RequestQueue | undefined {
    const q = connection.requests;
    if (q === undefined || q.generation !== this.generation) return undefined;
    // Responses end in request order: requests queued before this one never ended (given up), dropped with it.
    let k = 0;
    while (k < q.count && q.requests[q.at(k)] !== request) k++;
    if (k === q.count) return undefined;
    q.endAt(k);
    return q;
  }

  /** Requests started and not ended on a connection (for tests). */
  inFlight(connection: QueueHolder): number {
    const q = connection.requests;
    return q === undefined || q.generation !== this.generation ? 0 : q.count;
  }
}
