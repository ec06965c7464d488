// Per-WebSocket state and the two ways to write to a socket: replies (must arrive; a reader too slow
// for them is closed) and pushes (best effort; dropped and counted while the reader is behind).
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
  /** Assignment stream filter: null = all (operator without filter), else these interviewers. */
  assignmentFilter: Set<number> | null
  /** Interviewers whose offers this connection receives (set by `availability`). */
  claims: Set<number>
  /** Remote-bidder disposers per interviewer this connection bids for. */
  bidders: Map<number, () => void>
  pendingBids: Map<string, PendingBid>
}

export function newConn(principal: Principal, peer: string, encoding: Encoding): Conn {
  return {
    principal, peer, encoding, ws: null, closed: false, limited: 0, dropped: 0,
    streams: new Set(), assignmentFilter: null, claims: new Set(), bidders: new Map(), pendingBids: new Map(),
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

  constructor(metrics: GatewayMetrics, maxBackpressure: number) {
    this.#metrics = metrics
    this.#pushLimit = Math.floor(maxBackpressure / 2)
  }

  /** Sends a reply in the request's encoding; a socket that cannot take it is closed, never buffered without bound. */
  reply(conn: Conn, re: string | number | null, result: unknown, encoding: Encoding): void {
    this.#send(conn, encodeFrame({ re, ok: true, result }, encoding), encoding)
  }

  error(conn: Conn, re: string | number | null, error: ErrorBody, encoding: Encoding): void {
    this.#send(conn, encodeFrame({ re, ok: false, error }, encoding), encoding)
  }

  #send(conn: Conn, frame: string | Uint8Array, encoding: Encoding): void {
    const ws = conn.ws
    if (!ws || conn.closed) return
    let status = 0
    ws.cork(() => { status = ws.send(frame, encoding === 'msgpack') })
    // 2 = dropped: the buffer is past maxBackpressure. A reader that slow loses the connection.
    if (status === 2) this.close(conn, CLOSE_CODE.backpressure, 'reader too slow: send buffer full')
  }

  /** Best-effort push: dropped (and counted) while the reader is behind. */
  push(conn: Conn, frames: Frames): void {
    const ws = conn.ws
    if (!ws || conn.closed) return
    if (ws.getBufferedAmount() > this.#pushLimit) {
      conn.dropped++
      this.#metrics.droppedPushes++
      return
    }
    ws.cork(() => ws.send(frames.get(conn.encoding), conn.encoding === 'msgpack'))
  }

  /** From uWS `drain`: once the reader caught up, tell it how many pushes it missed. */
  drained(conn: Conn): void {
    const ws = conn.ws
    if (!ws || conn.closed || conn.dropped === 0 || ws.getBufferedAmount() > this.#pushLimit / 2) return
    const count = conn.dropped
    conn.dropped = 0
    ws.cork(() => ws.send(encodeFrame({ type: 'dropped', count }, conn.encoding), conn.encoding === 'msgpack'))
  }

  close(conn: Conn, code: number, reason: string): void {
    const ws = conn.ws
    if (!ws || conn.closed) return
    conn.closed = true
    ws.end(code, reason)
  }
}
