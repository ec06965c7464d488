// Per-WebSocket state and the two ways to write to a socket: replies (must arrive; a reader too slow
// for them is closed) and pushes (best effort; dropped and counted while the reader is behind).
// Frames are queued per connection and written at the end of the current task (a microtask), one
// corked write per connection: the replies a commit batch releases at once cost one send system
// call per socket instead of one per reply, and replies and pushes keep their order.
import type { WebSocket } from 'uWebSockets.js'
import { CLOSE_CODE, type ErrorBody, type Stream } from '../../client/protocol.ts'
import { encodeFrame, type Encoding } from '../../client/codec.ts'
import type { Principal } from '../auth/index.ts'
import type { GatewayMetrics } from './metrics.ts'

export interface PendingBid {
  resolve(score: number | null): void
  timer: ReturnType<typeof setTimeout>
  interviewer_id: number
  local_score: number | null
}

export interface Conn {
  principal: Principal
  peer: string
  /** Encoding of pushes: the encoding of the connection's latest request (or ?encoding=). */
  encoding: Encoding
  ws: WebSocket<Conn> | null
  closed: boolean
  /** Consecutive rate-limited frames; a sustained flood closes the socket. */
  limited: number
  /** Pushes dropped since the reader last caught up; reported in a `dropped` push on drain. */
  dropped: number
  streams: Set<Stream>
  /** Streams subscribed with `batch_ms` > 0, and that window in ms. */
  batchMs: Map<Stream, number>
  /** Assignment stream filter: null = all (operator without filter), else these interviewers. */
  assignmentFilter: Set<number> | null
  /** Interviewers whose offers this connection receives (set by `availability`). */
  claims: Set<number>
  /** Remote-bidder disposers per interviewer this connection bids for. */
  bidders: Map<number, () => void>
  pendingBids: Map<string, PendingBid>
  /** Frames waiting for the Writer's next flush (null when none). */
  outbox: Outgoing[] | null
  /** Closes the session when its token reaches exp (session.ts); null in open mode or once closed. */
  expiry: ReturnType<typeof setTimeout> | null
}

/** A frame waiting to be written; replies must arrive, pushes are best effort. */
interface Outgoing {
  frame: string | Uint8Array
  binary: boolean
  reply: boolean
}

export function newConn(principal: Principal, peer: string, encoding: Encoding): Conn {
  return {
    principal,
    peer,
    encoding,
    ws: null,
    closed: false,
    limited: 0,
    dropped: 0,
    streams: new Set(),
    batchMs: new Map(),
    assignmentFilter: null,
    claims: new Set(),
    bidders: new Map(),
    pendingBids: new Map(),
    outbox: null,
    expiry: null,
  }
}

/** A value encoded at most once per encoding, for fan-out to many sockets. */
export class Frames {
  readonly #value: unknown
  #json: string | Uint8Array | null = null
  #msgpack: string | Uint8Array | null = null
  constructor(value: unknown) {
    this.#value = value
  }
  get(encoding: Encoding): string | Uint8Array {
    if (encoding === 'json') return (this.#json ??= encodeFrame(this.#value, 'json'))
    return (this.#msgpack ??= encodeFrame(this.#value, 'msgpack'))
  }
}

export class Writer {
  readonly #metrics: GatewayMetrics
  /** Pushes stop once this many bytes wait in a socket's buffer; replies still go (up to maxBackpressure). */
  readonly #pushLimit: number
  /** Connections with queued frames, in the order they were first queued since the last flush. */
  #dirty: Conn[] = []
  readonly #flush = (): void => this.flush()

  constructor(metrics: GatewayMetrics, maxBackpressure: number) {
    this.#metrics = metrics
    this.#pushLimit = Math.floor(maxBackpressure / 2)
  }

  /** Sends a reply in the request's encoding; a socket that cannot take it is closed, never buffered without bound. */
  reply(conn: Conn, re: string | number | null, result: unknown, encoding: Encoding): void {
    this.#queue(conn, encodeFrame({ re, ok: true, result }, encoding), encoding === 'msgpack', true)
  }

  error(conn: Conn, re: string | number | null, error: ErrorBody, encoding: Encoding): void {
    this.#queue(conn, encodeFrame({ re, ok: false, error }, encoding), encoding === 'msgpack', true)
  }

  /** Best-effort push: dropped (and counted) while the reader is behind. */
  push(conn: Conn, frames: Frames): void {
    const ws = conn.ws
    if (!ws || conn.closed) return
    // The socket's own buffer decides, not what this task queued: a burst the reader keeps up with
    // is not dropped. What one task queues is bounded by the work done in it.
    if (ws.getBufferedAmount() > this.#pushLimit) {
      conn.dropped++
      this.#metrics.droppedPushes++
      return
    }
    this.#queue(conn, frames.get(conn.encoding), conn.encoding === 'msgpack', false)
  }

  /** From uWS `drain`: once the reader caught up, tell it how many pushes it missed. */
  drained(conn: Conn): void {
    const ws = conn.ws
    if (!ws || conn.closed || conn.dropped === 0 || ws.getBufferedAmount() > this.#pushLimit / 2) return
    const count = conn.dropped
    conn.dropped = 0
    this.#queue(conn, encodeFrame({ type: 'dropped', count }, conn.encoding), conn.encoding === 'msgpack', false)
  }

  /** Writes what is queued for the connection, then closes it with a code the client can act on. */
  close(conn: Conn, code: number, reason: string): void {
    if (!conn.ws || conn.closed) return
    this.#write(conn)
    const ws = conn.ws
    if (!ws || conn.closed) return
    conn.closed = true
    ws.end(code, reason)
  }

  /**
   * Ends a session whose token reached its exp: what is queued for it is dropped, nothing more is
   * written, and the close code tells the client to reconnect with a fresh token.
   */
  expire(conn: Conn): void {
    if (!conn.ws || conn.closed) return
    conn.outbox = null
    this.#metrics.sessionsExpired++
    this.close(conn, CLOSE_CODE.token_expired, 'token expired: reconnect with a new token')
  }

  /** Writes every queued frame: one corked write per connection. Runs by itself at the end of each task. */
  flush(): void {
    const dirty = this.#dirty
    if (dirty.length === 0) return
    this.#dirty = []
    // At most one clock read per flush (none in open mode, where nothing expires): no push or reply
    // leaves for a session past its token's exp, even when the event loop ran late and the
    // session's expiry timer has not fired yet.
    let now = 0
    for (const conn of dirty) {
      // A flush runs as a microtask: a throw here would reach no caller, and would strand the
      // connections after this one. It costs this connection its queued frames, nothing more.
      try {
        const exp = conn.principal.exp
        if (exp !== Infinity && exp * 1000 <= (now ||= Date.now())) this.expire(conn)
        else this.#write(conn)
      } catch {
        conn.outbox = null
        this.#metrics.errors++
      }
    }
  }

  #queue(conn: Conn, frame: string | Uint8Array, binary: boolean, reply: boolean): void {
    if (!conn.ws || conn.closed) return
    const item: Outgoing = { frame, binary, reply }
    if (conn.outbox === null) {
      conn.outbox = [item]
      if (this.#dirty.push(conn) === 1) queueMicrotask(this.#flush)
    } else conn.outbox.push(item)
  }

  #write(conn: Conn): void {
    const out = conn.outbox
    if (out === null) return
    conn.outbox = null
    const ws = conn.ws
    if (!ws || conn.closed) return
    let full = false
    ws.cork(() => {
      for (const o of out) {
        // 2 = dropped: the buffer is past maxBackpressure. A reader too slow for its replies loses
        // the connection; a dropped push is counted like one refused before it was queued.
        if (ws.send(o.frame, o.binary) !== 2) continue
        if (o.reply) {
          full = true
          break
        }
        conn.dropped++
        this.#metrics.droppedPushes++
      }
    })
    if (full) this.close(conn, CLOSE_CODE.backpressure, 'reader too slow: send buffer full')
  }
}
