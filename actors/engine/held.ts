// Requests held with `wait`: indexed by who can serve them (actors/held/index.ts). A `freed` notice
// from interviewer X retries only the held requests X can serve, best first (effective priority
// with aging, then age), until X's free slots are taken or an attempt finds no slot; a request
// leaves the hold when it is assigned or its sla_min passes.
import type { RouteRequest } from '../../client/protocol.ts'
import type { User } from '../model/types.ts'
import { Aging } from '../held/aging.ts'
import { HeldIndex, laneOf, type HeldItem } from '../held/index.ts'
import { WaitEstimator } from '../held/estimate.ts'
import type { FreedNotice } from '../held/notice.ts'

export interface Held extends HeldItem {
  /** The decision_id of its `queued` reply (the persisted row's id). */
  id: string
  req: RouteRequest
  user: User
  timer: NodeJS.Timeout | null
}

export interface HeldOptions {
  /** One routing attempt: the interviewer it was assigned to, or null (the request stays held). */
  attempt: (h: Held) => Promise<number | null>
  /** sla_min passed without a slot. */
  expire: (h: Held) => void
  /** The request left the hold: assigned (after its attempt), expired (before expire) or cancelled. */
  left?: (h: Held, why: 'assigned' | 'expired' | 'cancelled') => void
  /** Aging rate in priority points per minute (see aging.ts). */
  agingPerMin?: number
}

/** Requests fetched from the index at a time during one pass. */
const CHUNK = 16

export class HeldRequests {
  #o: HeldOptions
  #index: HeldIndex<Held>
  #seq = 0
  #pending = new Map<number, FreedNotice>()
  #byRequestId = new Map<string, Held>()
  #attempting = 0
  #waits = new WaitEstimator()
  #running = false
  /** Routing attempts and index entries looked at by passes since start (tests, benchmarks). */
  readonly counters = { attempts: 0, scanned: 0 }

  constructor(o: HeldOptions) {
    this.#o = o
    this.#index = new HeldIndex<Held>(new Aging(o.agingPerMin))
  }

  /** Held requests, including those whose routing attempt is running. */
  get size(): number {
    return this.#index.size + this.#attempting
  }

  /** Holds the request; `at` is when it was first queued (a restored one keeps its age and deadline). */
  add(req: RouteRequest, user: User, id: string, at = Date.now()): Held {
    const filter = { language: req.language.toLowerCase(), budget: req.budget, sensitivity: req.sensitivity, sla_min: req.sla_min }
    const h: Held = { id, req, user, filter, priority: req.priority ?? 0, at, seq: ++this.#seq, key: 0, timer: null }
    const left = Math.max(0, at + req.sla_min * 60_000 - Date.now())
    h.timer = setTimeout(() => {
      h.timer = null
      if (this.#index.remove(h)) this.#expire(h)
    }, left)
    h.timer.unref?.()
    this.#index.add(h)
    if (req.request_id) this.#byRequestId.set(req.request_id, h)
    return h
  }

  /** The held request of a request_id, while it is held here. */
  find(requestId: string): Held | undefined {
    return this.#byRequestId.get(requestId)
  }

  /** Requests ahead of it among those competing for the same interviewers (its lane), 0-based. */
  position(h: Held): number {
    return this.#index.rank(h)
  }

  /** Minutes until it is expected to be assigned (observed, see estimate.ts); null before any observation. */
  estimate(h: Held): number | null {
    const p = this.#index.rank(h)
    return p < 0 ? null : this.#waits.estimate(laneOf(h.filter), p)
  }

  /** Aging rate now (priority points per minute waited). */
  get agingPerMin(): number {
    return this.#index.aging.rate
  }

  /** A live change of the aging rate: every held request is re-keyed (throws AgingError on a bad rate). */
  setAging(rate: number): void {
    this.#index.setRate(rate)
  }

  /** Effective priority at `now` (aging). */
  effective(h: Held, now: number): number {
    return this.#index.aging.effective(h, now)
  }

  /** Every held request, best first. */
  list(): Held[] {
    return this.#index.all()
  }

  /** Cancels a held request; false when it is not held (or its routing attempt is running). */
  cancel(h: Held): boolean {
    if (!this.#index.remove(h)) return false
    this.#leave(h, 'cancelled')
    return true
  }

  #expire(h: Held): void {
    this.#leave(h, 'expired')
    this.#o.expire(h)
  }

  #leave(h: Held, why: 'assigned' | 'expired' | 'cancelled'): void {
    if (h.timer) clearTimeout(h.timer)
    h.timer = null
    if (h.req.request_id && this.#byRequestId.get(h.req.request_id) === h) this.#byRequestId.delete(h.req.request_id)
    if (why === 'assigned') this.#waits.assigned(laneOf(h.filter), Date.now())
    this.#o.left?.(h, why)
  }

  /** A slot freed at n.iv: queue a pass for it (one pass at a time; a newer notice of X replaces an older). */
  freed(n: FreedNotice): void {
    if (this.#index.size === 0 || n.room <= 0) return
    this.#pending.delete(n.iv)
    this.#pending.set(n.iv, n)
    if (this.#running) return
    this.#running = true
    void this.#drain().finally(() => {
      this.#running = false
    })
  }

  clear(): void {
    for (const h of this.#index.clear()) if (h.timer) clearTimeout(h.timer)
    this.#pending.clear()
    this.#byRequestId.clear()
  }

  async #drain(): Promise<void> {
    for (let next = this.#first(); next; next = this.#first()) {
      this.#pending.delete(next.iv)
      await this.#pass(next)
    }
  }

  #first(): FreedNotice | undefined {
    return this.#pending.values().next().value
  }

  async #pass(n: FreedNotice): Promise<void> {
    const any = n.iv < 0
    let room = n.room
    const tried = new Set<Held>()
    const scanned = { n: 0 }
    try {
      while (room > 0 && this.#index.size > 0) {
        const chunk = this.#index.servable(n, Math.min(room, CHUNK), tried, scanned)
        if (chunk.length === 0) return
        for (const h of chunk) {
          // Out of the index while its attempt runs: its expiry then waits for the attempt's outcome.
          if (!this.#index.remove(h)) continue
          tried.add(h)
          this.counters.attempts++
          this.#attempting++
          const iv = await this.#o.attempt(h).catch(() => null)
          this.#attempting--
          if (iv === null) {
            if (h.timer) this.#index.add(h)
            else this.#expire(h)
            // The slot went elsewhere (another router, a new route): X is full again.
            if (any) continue
            return
          }
          this.#leave(h, 'assigned')
          if (iv === n.iv) room--
          if (room <= 0) return
        }
      }
    } finally {
      this.counters.scanned += scanned.n
    }
  }
}
