// Scatter/gather over the bus on ONE shared inbox: every request gets a numbered reply subject
// under it, replies are matched through a pending map, never a subscription per request.
// A gather ends by a named strategy: `all` (every expected reply arrived) or `deadline`.
// Deadlines of the same length expire in arrival order, so each length needs one timer, not one per request.
import type { Bus, BusSubscription } from '../bus/types.ts'

export type GatherEnd = 'all' | 'deadline' | 'closed'

export interface Gathered {
  replies: Uint8Array[]
  end: GatherEnd
}

interface Pending {
  id: number
  expected: number
  replies: Uint8Array[]
  deadline: number
  /** Already given its one extension after a stall of this process. */
  extended: boolean
  done: boolean
  resolve: (g: Gathered) => void
}

interface Lane {
  ms: number
  queue: Pending[]
  head: number
  timer: NodeJS.Timeout | null
  /** When the armed timer should fire; a late fire means this process stalled. */
  firesAt: number
}

const NO_REPLIES: Uint8Array[] = []
const noop = (): void => {}

export class Requester {
  #bus: Bus
  #inbox: string
  #sub: BusSubscription
  #seq = 0
  #pending = new Map<number, Pending>()
  #lanes = new Map<number, Lane>()

  constructor(bus: Bus) {
    this.#bus = bus
    this.#inbox = bus.newInbox()
    const prefixLen = this.#inbox.length + 1
    this.#sub = bus.subscribe(`${this.#inbox}.*`, (msg) => {
      const p = this.#pending.get(Number(msg.subject.slice(prefixLen)))
      if (!p || p.done) return
      p.replies.push(msg.data)
      if (p.replies.length >= p.expected) this.#finish(p, 'all')
    })
  }

  get inflight(): number {
    return this.#pending.size
  }

  /** Publishes `data` to each subject and gathers `expected` replies (default: one per subject). */
  gather(subjects: readonly string[], data: Uint8Array, timeoutMs: number, expected = subjects.length): Promise<Gathered> {
    return new Promise((resolve) => {
      const id = ++this.#seq
      const p: Pending = { id, expected, replies: [], deadline: performance.now() + timeoutMs, extended: false, done: false, resolve }
      this.#pending.set(id, p)
      this.#lane(timeoutMs, p)
      const reply = `${this.#inbox}.${id}`
      for (const s of subjects) this.#bus.publish(s, data, reply)
      if (expected <= 0) this.#finish(p, 'all')
    })
  }

  /** Ends every pending gather with what it has (end: 'closed'). */
  close(): void {
    this.#sub.unsubscribe()
    for (const p of [...this.#pending.values()]) this.#finish(p, 'closed')
    for (const lane of this.#lanes.values()) if (lane.timer) clearTimeout(lane.timer)
    this.#lanes.clear()
  }

  #finish(p: Pending, end: GatherEnd): void {
    p.done = true
    this.#pending.delete(p.id)
    const { replies, resolve } = p
    // The entry stays in its lane until its deadline passes; it must not keep the replies (and
    // the encoder buffers they are views of) or the caller's continuation alive until then.
    p.replies = NO_REPLIES
    p.resolve = noop
    resolve({ replies, end })
  }

  #lane(ms: number, p: Pending): void {
    let lane = this.#lanes.get(ms)
    if (!lane) {
      lane = { ms, queue: [], head: 0, timer: null, firesAt: 0 }
      this.#lanes.set(ms, lane)
    }
    lane.queue.push(p)
    if (!lane.timer) this.#arm(lane, ms)
  }

  #arm(lane: Lane, delay: number): void {
    const ms = Math.max(0, Math.ceil(delay))
    lane.firesAt = performance.now() + ms
    lane.timer = setTimeout(() => this.#expire(lane), ms)
  }

  #expire(lane: Lane): void {
    lane.timer = null
    const now = performance.now()
    // A timer that fires late means this process was stalled (GC, a burst, a blocking call): replies
    // sent before the deadline may sit undelivered in the bus queue behind the timer. The deadline is
    // there to skip slow hosts, not to blame them for our stall, so each gather due now gets one
    // extension of its own length (bounded: at most twice the deadline in all). Extended entries
    // keep the lane sorted: their new deadline is later than any entry already queued.
    const stalled = now - lane.firesAt > Math.max(5, lane.ms / 2)
    const q = lane.queue
    while (lane.head < q.length) {
      const p = q[lane.head]
      if (!p.done && p.deadline > now) break
      lane.head++
      if (p.done) continue
      if (stalled && !p.extended) {
        p.extended = true
        p.deadline = now + lane.ms
        q.push(p)
      } else this.#finish(p, 'deadline')
    }
    if (lane.head === q.length) {
      lane.queue = []
      lane.head = 0
    } else {
      if (lane.head > 4096) {
        lane.queue = q.slice(lane.head)
        lane.head = 0
      }
      this.#arm(lane, lane.queue[lane.head].deadline - now)
    }
  }
}
