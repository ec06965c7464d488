// Fan-out of engine events to WebSocket subscribers: decision and assignment streams, and offers to
// the connections that speak for an interviewer. Each event is encoded once per encoding.
import type { AssignmentEvent, AvailabilityEvent, DecisionEvent, StatsEvent, Stream, StreamEvent } from '../../client/protocol.ts'
import type { RoutingEngine } from '../../actors/engine.ts'
import { Frames, type Conn, type Writer } from './conn.ts'
import { PushBatches } from './push-batch.ts'
import type { Service } from './service.ts'

const MAX_UNOWNED = 10_000

export class PushHub {
  readonly #writer: Writer
  readonly #svc: Service
  readonly #decisions = new Set<Conn>()
  readonly #assignments = new Set<Conn>()
  readonly #stats = new Set<Conn>()
  readonly #claims = new Map<number, Set<Conn>>()
  /** Creating events not yet matched to a client (see owned()); bounded, oldest dropped first. */
  readonly #unowned = new Map<string, AssignmentEvent>()
  readonly #offerTimeoutS: number
  readonly #unlisten: (() => void)[]
  readonly #batches = new PushBatches<Conn>((conn, stream, events, dropped) => {
    conn.dropped += dropped
    if (!conn.closed) this.#writer.push(conn, new Frames({ type: 'events', stream, events }))
  })

  constructor(engine: RoutingEngine, svc: Service, writer: Writer, offerTimeoutS: number) {
    this.#writer = writer
    this.#svc = svc
    this.#offerTimeoutS = offerTimeoutS
    this.#unlisten = [engine.onDecision((e) => this.#decision(e)), engine.onAssignment((e) => this.#assignment(e))]
    svc.onOwned = (assignmentId, key) => this.owned(assignmentId, key)
  }

  subscribe(conn: Conn, stream: Stream, interviewerId: number | undefined, batchMs = 0): void {
    conn.streams.add(stream)
    if (batchMs > 0) conn.batchMs.set(stream, batchMs)
    else if (conn.batchMs.delete(stream)) this.#batches.discard(conn, stream)
    if (stream === 'decisions' || stream === 'stats') {
      ;(stream === 'decisions' ? this.#decisions : this.#stats).add(conn)
      return
    }
    if (conn.principal.role === 'interviewer' || interviewerId !== undefined) {
      // A filtered subscription adds to the filter; an unfiltered one (operator) clears it.
      const had = this.#assignments.has(conn)
      if (!had || conn.assignmentFilter) (conn.assignmentFilter ??= new Set()).add(interviewerId ?? Number(conn.principal.sub))
    } else conn.assignmentFilter = null
    this.#assignments.add(conn)
  }

  unsubscribe(conn: Conn, stream: Stream, interviewerId: number | undefined): void {
    if (stream === 'decisions' || stream === 'stats') {
      conn.streams.delete(stream)
      conn.batchMs.delete(stream)
      this.#batches.discard(conn, stream)
      ;(stream === 'decisions' ? this.#decisions : this.#stats).delete(conn)
      return
    }
    if (interviewerId !== undefined && conn.assignmentFilter) {
      conn.assignmentFilter.delete(interviewerId)
      if (conn.assignmentFilter.size > 0) return
    }
    conn.assignmentFilter = null
    conn.streams.delete(stream)
    conn.batchMs.delete(stream)
    this.#batches.discard(conn, stream)
    this.#assignments.delete(conn)
  }

  /** This connection now receives offers for the interviewer. */
  claim(conn: Conn, interviewerId: number): void {
    conn.claims.add(interviewerId)
    let set = this.#claims.get(interviewerId)
    if (!set) this.#claims.set(interviewerId, (set = new Set()))
    set.add(conn)
  }

  drop(conn: Conn): void {
    this.#batches.discard(conn)
    this.#decisions.delete(conn)
    this.#assignments.delete(conn)
    this.#stats.delete(conn)
    for (const id of conn.claims) {
      const set = this.#claims.get(id)
      set?.delete(conn)
      if (set?.size === 0) this.#claims.delete(id)
    }
  }

  #decision(e: DecisionEvent): void {
    if (this.#decisions.size === 0) return
    let frames: Frames | null = null
    for (const conn of this.#decisions) this.#deliver(conn, 'decisions', e, (frames ??= new Frames({ type: 'event', stream: 'decisions', event: e })))
  }

  /** One event to one subscriber: into its batch when it asked for one, else as its own frame. */
  #deliver(conn: Conn, stream: Stream, event: StreamEvent, frames: Frames): void {
    const windowMs = conn.batchMs.get(stream)
    if (windowMs) this.#batches.add(conn, stream, event, windowMs)
    else this.#writer.push(conn, frames)
  }

  /** Whether any connection reads the stats stream (the ticker skips the queue totals otherwise). */
  get statsWanted(): boolean {
    return this.#stats.size > 0
  }

  /** One stats event to every stats subscriber, encoded once per encoding. */
  stats(e: StatsEvent): void {
    if (this.#stats.size === 0) return
    const frames = new Frames({ type: 'event', stream: 'stats', event: e })
    for (const conn of this.#stats) this.#deliver(conn, 'stats', e, frames)
  }

  #assignment(e: AssignmentEvent): void {
    if (e.state === 'offered') {
      const claimed = this.#claims.get(e.interviewer_id)
      if (claimed) {
        const expires = this.#offerTimeoutS > 0 ? new Date(Date.parse(e.at) + this.#offerTimeoutS * 1000).toISOString() : null
        const offer = new Frames({ type: 'offer', assignment_id: e.assignment_id, user_id: e.user_id, interviewer_id: e.interviewer_id, score: e.score ?? 0, expires_at: expires })
        for (const conn of claimed) this.#writer.push(conn, offer)
      }
    }
    if (this.#assignments.size === 0) return
    let frames: Frames | null = null
    let owner: string | undefined
    let ownerRead = false
    for (const conn of this.#assignments) {
      if (conn.principal.role === 'client') {
        // A client sees only assignments its own routes created.
        if (!ownerRead) {
          owner = this.#svc.ownerKey(e.assignment_id)
          ownerRead = true
          // The creating event comes before the route's reply names its owner: keep it for owned().
          if (owner === undefined && e.previous === null) this.#remember(e)
        }
        if (owner !== conn.principal.key) continue
      } else if (conn.assignmentFilter && !conn.assignmentFilter.has(e.interviewer_id)) continue
      this.#deliver(conn, 'assignments', e, (frames ??= new Frames({ type: 'event', stream: 'assignments', event: e })))
    }
  }

  /** A server-made availability change: to the interviewer's own and operators' assignment streams (never clients'). */
  availability(e: AvailabilityEvent): void {
    let frames: Frames | null = null
    for (const conn of this.#assignments) {
      if (conn.principal.role === 'client') continue
      if (conn.assignmentFilter && !conn.assignmentFilter.has(e.interviewer_id)) continue
      this.#deliver(conn, 'assignments', e, (frames ??= new Frames({ type: 'event', stream: 'assignments', event: e })))
    }
  }

  #remember(e: AssignmentEvent): void {
    this.#unowned.set(e.assignment_id, e)
    if (this.#unowned.size > MAX_UNOWNED) this.#unowned.delete(this.#unowned.keys().next().value!)
  }

  /** A client's route just created this assignment: deliver its creating event to that client's streams. */
  owned(assignmentId: string, key: string): void {
    const e = this.#unowned.get(assignmentId)
    if (!e) return
    this.#unowned.delete(assignmentId)
    const frames = new Frames({ type: 'event', stream: 'assignments', event: e })
    for (const conn of this.#assignments) if (conn.principal.key === key) this.#deliver(conn, 'assignments', e, frames)
  }

  dispose(): void {
    for (const conn of this.#decisions) this.#batches.discard(conn)
    for (const conn of this.#assignments) this.#batches.discard(conn)
    for (const conn of this.#stats) this.#batches.discard(conn)
    for (const off of this.#unlisten) off()
  }
}
