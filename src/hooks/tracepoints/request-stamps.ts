import { newStamp, type Stamp } from './object-ids.js';

/** Requests one connection may have in flight (pipelined) before the oldest are given up. */
const MAX_QUEUED = 256;

/** The requests of one connection that have started and not yet ended, oldest first (a ring). */
export class RequestQueue {
  requests: Array<object | undefined> = new Array<object | undefined>(4);
  stamps: Array<Stamp | undefined> = new Array<Stamp | undefined>(4);
  head = 0;
  count = 0;
  /** The request that ended last, and its stamp: every reader of that end gets it. */
  ended: object | undefined = undefined;
  endedStamp: Stamp | undefined = undefined;

  constructor(readonly generation: number) {}

  at(i: number): number {
    return (this.head + i) & (this.requests.length - 1);
  }

  push(request: object, stamp: Stamp): void {
    if (this.count === this.requests.length) {
      if (this.count >= MAX_QUEUED) this.shift();
      else this.grow();
    }
    const i = this.at(this.count++);
    this.requests[i] = request;
    this.stamps[i] = stamp;
  }

  shift(): void {
    this.requests[this.head] = undefined;
    this.stamps[this.head] = undefined;
    this.head = (this.head + 1) & (this.requests.length - 1);
    this.count--;
  }

  private grow(): void {
    const n = this.requests.length;
    const requests = new Array<object | undefined>(2 * n);
    const stamps = new Array<Stamp | undefined>(2 * n);
    for (let i = 0; i < this.count; i++) {
      requests[i] = this.requests[this.at(i)];
      stamps[i] = this.stamps[this.at(i)];
    }
    this.requests = requests;
    this.stamps = stamps;
    this.head = 0;
  }
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
 * per request costs its garbage collector close to a microsecond; and a
 * property on Node's request objects slows Node's own code: see
 * object-ids.ts. Measured on a live server, each of these cost more than
 * the rest of the tracepoint.)
 *
 * Every subscriber of a start and of an end gets the same stamp, in any
 * order. A request that never ends (a client gone mid-way) ends with its
 * connection. Stamps made while the tracepoints were attached are
 * forgotten when the last one goes (`acquire` / its release), so that a
 * later attach never pairs a response with another request's start.
 */
export class RequestStamps {
  private generation = 0;
  private users = 0;

  /** Marks a user of the stamps (a tracepoint installing its subscribers); returns its release. */
  acquire(): () => void {
    this.users++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) this.generation++;
    };
  }

  /** The request's stamp, made at its start (the same for every subscriber of the start). */
  start(request: object, connection: QueueHolder, nowNs: bigint): Stamp {
    let q = connection.requests;
    if (q === undefined || q.generation !== this.generation) connection.requests = q = new RequestQueue(this.generation);
    if (q.count > 0) {
      const last = q.at(q.count - 1);
      if (q.requests[last] === request) return q.stamps[last] as Stamp;
    }
    const s = newStamp(nowNs);
    q.push(request, s);
    return s;
  }

  /** The request's stamp at its end, if its start was seen (the same for every subscriber of the end). */
  end(request: object, connection: QueueHolder): Stamp | undefined {
    const q = connection.requests;
    if (q === undefined || q.generation !== this.generation) return undefined;
    if (q.ended === request) return q.endedStamp;
    // Responses end in request order: requests queued before this one never ended (given up), dropped with it.
    let k = 0;
    while (k < q.count && q.requests[q.at(k)] !== request) k++;
    if (k === q.count) return undefined;
    const s = q.stamps[q.at(k)];
    for (let i = 0; i <= k; i++) q.shift();
    q.ended = request;
    q.endedStamp = s;
    return s;
  }

  /** Requests started and not ended on a connection (for tests). */
  inFlight(connection: QueueHolder): number {
    const q = connection.requests;
    return q === undefined || q.generation !== this.generation ? 0 : q.count;
  }
}
