// Presence wiring: console sessions (WebSocket connections that set an interviewer's availability)
// feed the pure tracker; when an interviewer's sessions have all been gone longer than the grace,
// it goes `offline` through the engine, its pending offers are re-offered to others, and an
// availability event with reason `presence_lost` is announced. Active interviews stay.
//
// A socket counts as alive until uWS closes it: on a clean close at once, on a silent peer after the
// gateway's idle timeout (uWS pings automatically and counts the pongs), so the socket is the heartbeat.
import type { RoutingEngine } from '../../actors/engine.ts'
import { PresenceTracker } from '../../actors/presence/tracker.ts'
import type { AvailabilityEvent } from '../../client/protocol.ts'
import type { Logger } from '../log.ts'

/** Offers remembered per node; an offer is forgotten when accepted, expired or cancelled. */
const MAX_OFFERS = 100_000

export interface PresenceOptions {
  engine: RoutingEngine
  graceMs: number
  nodeId: string
  log: Logger
  /** Announces the server-made availability change (the gateway pushes it to subscribers). */
  announce: (e: AvailabilityEvent) => void
  now?: () => number
}

export class PresenceMonitor {
  readonly #o: PresenceOptions
  readonly #tracker: PresenceTracker
  /** Open offers per interviewer, from assignment events (local and, on NATS, other nodes'). */
  readonly #offers = new Map<number, Set<string>>()
  #offerCount = 0
  #timer: NodeJS.Timeout | null = null
  #timerAt = Infinity
  readonly #unlisten: () => void
  #stopped = false

  constructor(o: PresenceOptions) {
    this.#o = o
    const now = o.now ?? (() => performance.now())
    this.#tracker = new PresenceTracker(o.graceMs, now)
    this.#unlisten = o.engine.onAssignment((e) => {
      if (e.state === 'offered') this.#addOffer(e.interviewer_id, e.assignment_id)
      else if (e.previous === 'offered') this.#dropOffer(e.interviewer_id, e.assignment_id)
    })
  }

  /** A session now speaks for the interviewer. */
  connected(interviewerId: number, session: string): void {
    this.#tracker.connected(interviewerId, session)
  }

  /** A session closed: the grace starts when it was the interviewer's last one. */
  disconnected(interviewerId: number, session: string): void {
    this.#tracker.disconnected(interviewerId, session)
    this.#schedule()
  }

  /** Whether a console session (or its grace period) holds the interviewer. */
  present(interviewerId: number): boolean {
    return this.#tracker.present(interviewerId)
  }

  stop(): void {
    this.#stopped = true
    this.#unlisten()
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  #schedule(): void {
    if (this.#stopped) return
    const at = this.#tracker.nextDeadline()
    if (at === null || at >= this.#timerAt) return
    if (this.#timer) clearTimeout(this.#timer)
    this.#timerAt = at
    // +1: the tracker expires strictly after the deadline.
    const now = this.#o.now?.() ?? performance.now()
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - now) + 1)
    this.#timer.unref()
  }

  #fire(): void {
    this.#timer = null
    this.#timerAt = Infinity
    for (const id of this.#tracker.expire()) void this.#lose(id)
    this.#schedule()
  }

  async #lose(interviewerId: number): Promise<void> {
    const { engine, log } = this.#o
    try {
      const state = await engine.stateOf(interviewerId)
      // A console that came back meanwhile, or an interviewer already offline, keeps what it has.
      if (!state || state.availability === 'offline' || this.#tracker.sessions(interviewerId) > 0) return
      const previous = state.availability
      await engine.setAvailability(interviewerId, 'offline')
      const offers = [...(this.#offers.get(interviewerId) ?? [])]
      let reoffered = 0
      for (const aid of offers) {
        try {
          await engine.reject(aid)
          reoffered++
        } catch (err) {
          // Accepted or expired in the meantime: nothing to re-offer.
          log.debug({ err, assignment_id: aid }, 'offer not re-offered')
        }
      }
      const e: AvailabilityEvent = {
        type: 'availability',
        interviewer_id: interviewerId,
        availability: 'offline',
        previous,
        reason: 'presence_lost',
        reoffered,
        node_id: this.#o.nodeId,
        at: new Date().toISOString(),
      }
      log.info({ interviewer_id: interviewerId, reoffered }, 'interviewer offline: console sessions gone past the grace period')
      this.#o.announce(e)
    } catch (err) {
      log.warn({ err, interviewer_id: interviewerId }, 'presence: could not take the interviewer offline')
    }
  }

  #addOffer(iv: number, aid: string): void {
    if (this.#offerCount >= MAX_OFFERS) return
    let set = this.#offers.get(iv)
    if (!set) this.#offers.set(iv, (set = new Set()))
    if (!set.has(aid)) {
      set.add(aid)
      this.#offerCount++
    }
  }

  #dropOffer(iv: number, aid: string): void {
    const set = this.#offers.get(iv)
    if (!set?.delete(aid)) return
    this.#offerCount--
    if (set.size === 0) this.#offers.delete(iv)
  }
}
