// Batched pushes: a subscription with `batch_ms` > 0 gets its stream's events as one `events` push
// per window instead of one frame per event. A browser that receives thousands of frames a second
// spends its time dispatching messages, not drawing; a window of 100 ms turns 4,000 frames/s into 20.
// The window opens at the first event and closes batch_ms later; a batch holds at most
// MAX_PUSH_BATCH_EVENTS (older ones dropped first, counted for the connection's `dropped` push).
import { MAX_PUSH_BATCH_EVENTS, type Stream, type StreamEvent } from '../../client/protocol.ts'

export interface Timers {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

const REAL_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

interface Batch<C> {
  conn: C
  stream: Stream
  events: StreamEvent[]
  dropped: number
  timer: unknown
}

export class PushBatches<C extends object> {
  readonly #flush: (conn: C, stream: Stream, events: StreamEvent[], dropped: number) => void
  readonly #timers: Timers
  readonly #open = new Map<C, Map<Stream, Batch<C>>>()

  constructor(flush: (conn: C, stream: Stream, events: StreamEvent[], dropped: number) => void, timers: Timers = REAL_TIMERS) {
    this.#flush = flush
    this.#timers = timers
  }

  /** Adds an event to the connection's open batch of that stream, opening one of `windowMs`. */
  add(conn: C, stream: Stream, event: StreamEvent, windowMs: number): void {
    let byStream = this.#open.get(conn)
    if (!byStream) this.#open.set(conn, (byStream = new Map()))
    let batch = byStream.get(stream)
    if (!batch) {
      const b: Batch<C> = { conn, stream, events: [], dropped: 0, timer: null }
      b.timer = this.#timers.set(() => this.#close(b), windowMs)
      byStream.set(stream, (batch = b))
    }
    batch.events.push(event)
    if (batch.events.length > MAX_PUSH_BATCH_EVENTS) {
      batch.events.shift()
      batch.dropped++
    }
  }

  /** Number of events waiting in open batches (for tests and metrics). */
  get pending(): number {
    let n = 0
    for (const byStream of this.#open.values()) for (const b of byStream.values()) n += b.events.length
    return n
  }

  /** Forgets a connection's open batches (it closed or unsubscribed the stream). */
  discard(conn: C, stream?: Stream): void {
    const byStream = this.#open.get(conn)
    if (!byStream) return
    for (const [s, b] of byStream) {
      if (stream !== undefined && s !== stream) continue
      this.#timers.clear(b.timer)
      byStream.delete(s)
    }
    if (byStream.size === 0) this.#open.delete(conn)
  }

  #close(b: Batch<C>): void {
    const byStream = this.#open.get(b.conn)
    if (byStream?.get(b.stream) !== b) return
    byStream.delete(b.stream)
    if (byStream.size === 0) this.#open.delete(b.conn)
    this.#flush(b.conn, b.stream, b.events, b.dropped)
  }
}
