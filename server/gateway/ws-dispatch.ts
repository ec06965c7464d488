// One validated WebSocket request → the Service (or the push hub / bidding), → one reply with `re`.
import type { ClientMessage, InterviewEnd } from '../../client/protocol.ts'
import type { Encoding } from '../../client/codec.ts'
import { interviewerOf } from '../auth/index.ts'
import type { Logger } from '../log.ts'
import type { Conn, Writer } from './conn.ts'
import { GatewayError, toErrorBody } from './errors.ts'
import type { GatewayMetrics } from './metrics.ts'
import type { PresenceMonitor } from '../presence/monitor.ts'
import type { PushHub } from './pushes.ts'
import { disposeBidders, makeBidder, settleBid } from './remote-bid.ts'
import type { Service } from './service.ts'
import type { Sessions } from './session.ts'

export class Dispatcher {
  readonly #svc: Service
  readonly #hub: PushHub
  readonly #sessions: Sessions
  readonly #writer: Writer
  readonly #metrics: GatewayMetrics
  readonly #log: Logger
  readonly #presence: PresenceMonitor | null
  /** A presence session id per connection that spoke for an interviewer. */
  readonly #sessionIds = new WeakMap<Conn, string>()
  #nextSession = 0

  constructor(svc: Service, hub: PushHub, sessions: Sessions, writer: Writer, metrics: GatewayMetrics, log: Logger, presence: PresenceMonitor | null = null) {
    this.#svc = svc
    this.#hub = hub
    this.#sessions = sessions
    this.#writer = writer
    this.#metrics = metrics
    this.#log = log
    this.#presence = presence
  }

  /** `arrived`: performance.now() when the frame came in (a route's reply then closes its timing). */
  dispatch(conn: Conn, msg: ClientMessage, encoding: Encoding, arrived: number): void {
    let out: unknown
    try {
      out = this.#handle(conn, msg)
    } catch (err) {
      return this.#fail(conn, msg, err, encoding, arrived)
    }
    if (out instanceof Promise) {
      out.then(
        (result) => this.#reply(conn, msg, result, encoding, arrived),
        (err: unknown) => this.#fail(conn, msg, err, encoding, arrived),
      )
    } else this.#reply(conn, msg, out, encoding, arrived)
  }

  #reply(conn: Conn, msg: ClientMessage, result: unknown, encoding: Encoding, arrived: number): void {
    if (msg.type !== 'route') return this.#writer.reply(conn, msg.id, result, encoding)
    const start = performance.now()
    this.#writer.reply(conn, msg.id, result, encoding)
    this.#timed(start, arrived)
  }

  /** A route's reply is encoded and queued for this task's corked write: its reply_write and whole time. */
  #timed(start: number, arrived: number): void {
    const end = performance.now()
    this.#metrics.timings.observe('reply_write', end - start)
    this.#metrics.timings.route(arrived, end)
  }

  #fail(conn: Conn, msg: ClientMessage, err: unknown, encoding: Encoding, arrived: number): void {
    const body = toErrorBody(err, this.#log)
    if (body.code === 'internal') this.#metrics.errors++
    const start = performance.now()
    this.#writer.error(conn, msg.id, body, encoding)
    if (msg.type === 'route') this.#timed(start, arrived)
  }

  #handle(conn: Conn, msg: ClientMessage): unknown {
    const p = conn.principal
    const svc = this.#svc
    switch (msg.type) {
      case 'route':
        // The message is a RouteRequest plus id and type; Service.route copies only the route fields.
        return svc.route(p, msg)
      case 'cancel':
        return svc.cancel(p, msg.assignment_id)
      case 'complete': {
        // Both ids go to the Service, which owns the rule; with neither, an interviewer means its own.
        const { assignment_id, interviewer_id, outcome, rating, duration_min } = msg
        const end: InterviewEnd = {}
        if (outcome !== undefined) end.outcome = outcome
        if (rating !== undefined) end.rating = rating
        if (duration_min !== undefined) end.duration_min = duration_min
        if (assignment_id !== undefined) return svc.complete(p, interviewer_id === undefined ? { assignment_id, ...end } : { assignment_id, interviewer_id, ...end })
        const interviewer = interviewer_id ?? interviewerOf(p)
        if (interviewer === null) throw new GatewayError('invalid', 'complete needs assignment_id or interviewer_id', { path: '/assignment_id' })
        return svc.complete(p, { interviewer_id: interviewer, ...end })
      }
      case 'state':
        return msg.interviewer_id === undefined ? svc.state(p) : svc.stateOf(p, msg.interviewer_id)
      case 'subscribe': {
        if (msg.stream === 'decisions') svc.check(p, 'subscribe_decisions')
        else if (msg.stream === 'stats') svc.check(p, 'stats')
        else if (p.role === 'interviewer') svc.check(p, 'subscribe_assignments', msg.interviewer_id ?? interviewerOf(p))
        else svc.check(p, 'subscribe_assignments')
        this.#hub.subscribe(conn, msg.stream, msg.interviewer_id, msg.batch_ms)
        return { subscribed: msg.stream, interviewer_id: msg.interviewer_id ?? null, batch_ms: msg.batch_ms ?? 0 }
      }
      case 'unsubscribe':
        this.#hub.unsubscribe(conn, msg.stream, msg.interviewer_id)
        return { unsubscribed: msg.stream, interviewer_id: msg.interviewer_id ?? null }
      case 'availability':
        return this.#availability(conn, msg)
      case 'accept':
        return svc.accept(p, msg.assignment_id)
      case 'reject':
        return svc.reject(p, msg.assignment_id)
      case 'bid':
        svc.check(p, 'bid')
        return settleBid(conn, svc.engine, msg.bid_id, msg.score)
      case 'ping':
        return { pong: true, at: new Date().toISOString() }
      case 'auth':
        return this.#sessions.refresh(conn, msg.token)
    }
  }

  async #availability(conn: Conn, msg: Extract<ClientMessage, { type: 'availability' }>): Promise<unknown> {
    const id = msg.interviewer_id
    const before = await this.#svc.availabilityOf(conn.principal, id)
    const state = await this.#svc.availability(conn.principal, id, msg.availability)
    // Operators' dashboards learn of the change on the assignments stream (previous: as read just before).
    if (before !== null && before !== state.availability) {
      this.#hub.availability({
        type: 'availability',
        interviewer_id: id,
        availability: state.availability,
        previous: before,
        reason: 'set',
        reoffered: 0,
        node_id: state.node_id,
        at: new Date().toISOString(),
      })
    }
    if (conn.closed) return state
    this.#hub.claim(conn, id)
    if (this.#presence) {
      let sid = this.#sessionIds.get(conn)
      if (sid === undefined) this.#sessionIds.set(conn, (sid = String(++this.#nextSession)))
      this.#presence.connected(id, sid)
    }
    const existing = conn.bidders.get(id)
    const wants = msg.remote_bidding === true && msg.availability === 'online'
    if (wants && !existing) {
      conn.bidders.set(id, this.#svc.engine.setRemoteBidder(id, makeBidder(conn, this.#writer, this.#metrics)))
    } else if (!wants && existing && msg.remote_bidding !== undefined) {
      existing()
      conn.bidders.delete(id)
    }
    return { ...state, remote_bidding: conn.bidders.has(id) }
  }

  /** A closed connection: stop its pushes and bids. */
  closed(conn: Conn): void {
    this.#hub.drop(conn)
    disposeBidders(conn)
    const sid = this.#sessionIds.get(conn)
    if (sid !== undefined && this.#presence) for (const id of conn.claims) this.#presence.disconnected(id, sid)
  }
}
