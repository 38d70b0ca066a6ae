import type { IncomingMessage, ServerResponse } from 'node:http';
import { monotonicNowNs } from '../../helpers/clock.js';
import { connectionState, type ConnectionState } from './connection-state.js';
import { subscribe } from './node-tracepoint-def.js';
import { nextObjectId } from './object-ids.js';
import { RequestStamps, type RequestQueue } from './request-stamps.js';

/** The message of Node's http.server.request.start and http.server.response.finish channels. */
export interface ServerMessage {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly socket?: object;
}

/** The state of the connection a request came on: the message's socket (Node's http server sends it), else the request's. */
const connectionOf = (m: ServerMessage): ConnectionState => connectionState(m.socket ?? m.request.socket ?? m.request);

/** A tracepoint's handler of one of the two channels' messages, called after the stamps are worked out. */
export type StampListener = (message: unknown) => void;

/**
 * The HTTP server's request stamps, kept by one subscriber of each of the
 * start and finish channels, which then hands the message to the server
 * tracepoints attached (their listeners, in attach order): each start and
 * end is worked out once per message, and the tracepoints read what it
 * gave (the fields below, for the message being handled). One subscriber
 * per channel, not one for the stamps and one per tracepoint: each costs
 * Node a call per message.
 */
class ServerRequestStamps {
  private readonly stamps = new RequestStamps();
  private unsubscribe: (() => void) | null = null;
  /** Replaced, never changed, so that a listener may detach while the others run. */
  private startListeners: readonly StampListener[] = [];
  private finishListeners: readonly StampListener[] = [];

  /** The request starting now: its id and connection. */
  startId = 0;
  startConn: ConnectionState | undefined = undefined;
  /** The response finishing now: its request's queue (endedId, endedStartNs), undefined when its start was not seen; its connection. */
  ended: RequestQueue | undefined = undefined;
  endConn: ConnectionState | undefined = undefined;

  private readonly onStart = (message: unknown): void => {
    // Never throws into Node's publish (which would rethrow it in the application).
    try {
      const m = message as ServerMessage;
      const conn = (this.startConn = connectionOf(m));
      this.startId = this.stamps.start(m.request, conn, monotonicNowNs());
    } catch {
      this.startConn = undefined;
      this.startId = nextObjectId();
    }
    for (const l of this.startListeners) l(message);
  };

  private readonly onFinish = (message: unknown): void => {
    try {
      const m = message as ServerMessage;
      const conn = (this.endConn = connectionOf(m));
      this.ended = this.stamps.end(m.request, conn);
    } catch {
      this.endConn = undefined;
      this.ended = undefined;
    }
    for (const l of this.finishListeners) l(message);
  };

  /**
   * Starts keeping stamps for a tracepoint, which hears of the messages
   * through `listeners` (each called after the stamps are worked out; it
   * must not throw); returns its release.
   */
  acquire(listeners: { readonly start?: StampListener; readonly finish?: StampListener } = {}): () => void {
    const release = this.stamps.acquire();
    const { start, finish } = listeners;
    if (start) this.startListeners = [...this.startListeners, start];
    if (finish) this.finishListeners = [...this.finishListeners, finish];
    if (this.unsubscribe === null) {
      const unStart = subscribe('http.server.request.start', this.onStart);
      const unFinish = subscribe('http.server.response.finish', this.onFinish);
      this.unsubscribe = () => { unStart(); unFinish(); };
    }
    return () => {
      this.startListeners = this.startListeners.filter((l) => l !== start);
      this.finishListeners = this.finishListeners.filter((l) => l !== finish);
      release();
      if (this.stamps.users === 0 && this.unsubscribe !== null) {
        this.unsubscribe();
        this.unsubscribe = null;
        this.startConn = this.endConn = this.ended = undefined;
      }
    };
  }
}

/** The one set of stamps both server tracepoints read (the same req_id in both). */
export const serverStamps = new ServerRequestStamps();
