// Requests held with `wait`: retried whenever a slot frees anywhere (a `freed` notice on the bus),
// highest priority first, until one is assigned or its sla_min passes.
import type { RouteRequest } from '../../client/protocol.ts'
import type { User } from '../model/types.ts'

export interface Held {
  req: RouteRequest
  user: User
  seq: number
  timer: NodeJS.Timeout | null
}

export interface HeldOptions {
  /** One routing attempt; true when the request is settled (assigned) and leaves the hold. */
  attempt: (h: Held) => Promise<boolean>
  /** sla_min passed without a slot. */
  expire: (h: Held) => void
}

export class HeldRequests {
  #o: HeldOptions
  #items: Held[] = []
  #seq = 0
  #running = false
  #again = false

  constructor(o: HeldOptions) {
    this.#o = o
  }

  get size(): number {
    return this.#items.length
  }

  add(req: RouteRequest, user: User): Held {
    const h: Held = { req, user, seq: ++this.#seq, timer: null }
    h.timer = setTimeout(() => {
      h.timer = null
      if (this.#remove(h)) this.#o.expire(h)
    }, req.sla_min * 60_000)
    h.timer.unref?.()
    this.#items.push(h)
    return h
  }

  /** A slot freed somewhere: run one retry pass (coalesced while a pass is running). */
  freed(): void {
    if (this.#items.length === 0) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    void this.#pass().finally(() => {
      this.#running = false
      if (this.#again) {
        this.#again = false
        this.freed()
      }
    })
  }

  clear(): void {
    for (const h of this.#items) if (h.timer) clearTimeout(h.timer)
    this.#items = []
  }

  async #pass(): Promise<void> {
    const order = [...this.#items].sort((a, b) => (b.req.priority ?? 0) - (a.req.priority ?? 0) || a.seq - b.seq)
    for (const h of order) {
      if (!this.#items.includes(h)) continue
      let settled = false
      try {
        settled = await this.#o.attempt(h)
      } catch {
        settled = false
      }
      if (settled && this.#remove(h) && h.timer) clearTimeout(h.timer)
    }
  }

  #remove(h: Held): boolean {
    const i = this.#items.indexOf(h)
    if (i < 0) return false
    this.#items.splice(i, 1)
    return true
  }
}
