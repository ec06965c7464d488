// Requests held with `wait`: indexed by who can serve them (actors/held/index.ts). A `freed` notice
// from interviewer X retries only the held requests X can serve, best first (effective priority
// with aging, then age), until X's free slots are taken or an attempt finds no slot; a request
// leaves the hold when it is assigned or its sla_min passes.
import type { RouteRequest } from '../../client/protocol.ts'
import type { User } from '../model/types.ts'
import { Aging } from '../held/aging.ts'
import { HeldIndex, type HeldItem } from '../held/index.ts'
import type { FreedNotice } from '../held/notice.ts'

export interface Held extends HeldItem {
  req: RouteRequest
  user: User
  timer: NodeJS.Timeout | null
}

export interface HeldOptions {
  /** One routing attempt: the interviewer it was assigned to, or null (the request stays held). */
  attempt: (h: Held) => Promise<number | null>
  /** sla_min passed without a slot. */
  expire: (h: Held) => void
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
  #running = false
  /** Routing attempts and index entries looked at by passes since start (tests, benchmarks). */
  readonly counters = { attempts: 0, scanned: 0 }

  constructor(o: HeldOptions) {
    this.#o = o
    this.#index = new HeldIndex<Held>(new Aging(o.agingPerMin))
  }

  get size(): number {
    return this.#index.size
  }

  add(req: RouteRequest, user: User, at = Date.now()): Held {
    const filter = { language: req.language.toLowerCase(), budget: req.budget, sensitivity: req.sensitivity, sla_min: req.sla_min }
    const h: Held = { req, user, filter, priority: req.priority ?? 0, at, seq: ++this.#seq, key: 0, timer: null }
    const left = Math.max(0, at + req.sla_min * 60_000 - Date.now())
    h.timer = setTimeout(() => {
      h.timer = null
      if (this.#index.remove(h)) this.#o.expire(h)
    }, left)
    h.timer.unref?.()
    this.#index.add(h)
    return h
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
          const iv = await this.#o.attempt(h).catch(() => null)
          if (iv === null) {
            if (h.timer) this.#index.add(h)
            else this.#o.expire(h)
            // The slot went elsewhere (another router, a new route): X is full again.
            if (any) continue
            return
          }
          if (h.timer) clearTimeout(h.timer)
          h.timer = null
          if (iv === n.iv) room--
          if (room <= 0) return
        }
      }
    } finally {
      this.counters.scanned += scanned.n
    }
  }
}
