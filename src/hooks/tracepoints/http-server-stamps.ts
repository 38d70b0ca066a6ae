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

/**
 * The HTTP server's request stamps, kept by subscribers of their own on the
 * start and finish channels. They subscribe when the first server
 * tracepoint installs, so they run before any tracepoint's subscriber: each
 * start and end is worked out once per message, and the tracepoints read
 * what it gave (the fields below, for the message being published).
 */
class ServerRequestStamps {
  private readonly stamps = new RequestStamps();
  private unsubscribe: (() => void) | null = null;

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
  };

  /** Marks a tracepoint using the stamps (call before it subscribes); returns its release. */
  acquire(): () => void {
    const release = this.stamps.acquire();
    if (this.unsubscribe === null) {
      const start = subscribe('http.server.request.start', this.onStart);
      const finish = subscribe('http.server.response.finish', this.onFinish);
      this.unsubscribe = () => { start(); finish(); };
    }
    return () => {
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
