// Scatter/gather over the bus on ONE shared inbox: every request gets a numbered reply subject
// under it, replies are matched through a pending map, never a subscription per request.
// A gather ends by a named strategy: `all` (every expected reply arrived) or `deadline`.
// Deadlines of the same length expire in arrival order, so each length needs one timer, not one per request.
// call() is the callback form for batched requests: each reply message may answer several items,
// and no promise or reply array is made per call.
import type { Bus, BusSubscription } from '../bus/types.ts'

export type GatherEnd = 'all' | 'deadline' | 'closed'

export interface Gathered {
  replies: Uint8Array[]
  /** Parallel to replies: the reply object where the bus passed it by reference, else undefined. */
  values: unknown[]
  end: GatherEnd
}

interface Pending {
  id: number
  /** The lane's key (its deadline length). */
  lane: number
  expected: number
  /** Items answered so far (call(): as counted by onReply; gather: reply messages). */
  got: number
  replies: Uint8Array[]
  values: unknown[]
  deadline: number
  /** Already given its one extension after a stall of this process. */
  extended: boolean
  done: boolean
  resolve: (g: Gathered) => void
  /** call() only: sees each reply message, returns how many expected items it answered. */
  onReply: ((data: Uint8Array, value: unknown) => number) | null
  onEnd: ((end: GatherEnd) => void) | null
}

interface Lane {
  ms: number
  queue: Pending[]
  head: number
  timer: NodeJS.Timeout | null
  /** When the armed timer should fire; a late fire means this process stalled. */
  firesAt: number
  /** Entries in the queue already done (answered before their deadline). */
  done: number
}

const NO_REPLIES: Uint8Array[] = []
const NO_VALUES: unknown[] = []
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
      if (p.onReply !== null) p.got += p.onReply(msg.data, msg.value)
      else {
        p.replies.push(msg.data)
        p.values.push(msg.value)
        p.got++
      }
      if (p.got >= p.expected) this.#finish(p, 'all')
    })
  }

  get inflight(): number {
    return this.#pending.size
  }

  /** Entries still held in deadline lanes, answered or not (bounded by compaction). */
  get lanePending(): number {
    let n = 0
    for (const lane of this.#lanes.values()) n += lane.queue.length - lane.head
    return n
  }

  /** Publishes `data` to each subject and gathers `expected` replies (default: one per subject). */
  gather(subjects: readonly string[], data: Uint8Array, timeoutMs: number, expected = subjects.length): Promise<Gathered> {
    return new Promise((resolve) => {
      const p = this.#open(expected, timeoutMs, resolve)
      const reply = `${this.#inbox}.${p.id}`
      for (const s of subjects) this.#bus.publish(s, data, reply)
      if (expected <= 0) this.#finish(p, 'all')
    })
  }

  /**
   * gather() of one message object: by reference where the bus can (in-process), else `encode(value)`.
   * The receivers must not change the object, and neither may the caller until the gather ends.
   */
  gatherValue<T>(subjects: readonly string[], value: T, encode: (v: T) => Uint8Array, timeoutMs: number, expected = subjects.length): Promise<Gathered> {
    const bus = this.#bus
    if (!bus.publishValue) return this.gather(subjects, encode(value), timeoutMs, expected)
    return new Promise((resolve) => {
      const p = this.#open(expected, timeoutMs, resolve)
      const reply = `${this.#inbox}.${p.id}`
      for (let i = 0; i < subjects.length; i++) bus.publishValue?.(subjects[i], value, reply)
      if (expected <= 0) this.#finish(p, 'all')
    })
  }

  /**
   * Publishes one message object (by reference where the bus can, else `encode(value)`) to each
   * subject under one reply subject, without a promise: `onReply` sees every reply message and
   * returns how many of the `expected` items it answered; `onEnd` runs once, when all were
   * answered or the deadline passed (or close()). Receivers must not change the object.
   */
  call<T>(
    subjects: readonly string[],
    value: T,
    encode: (v: T) => Uint8Array,
    timeoutMs: number,
    expected: number,
    onReply: (data: Uint8Array, value: unknown) => number,
    onEnd: (end: GatherEnd) => void,
  ): void {
    const bus = this.#bus
    const p = this.#open(expected, timeoutMs, noop, onReply, onEnd)
    const reply = `${this.#inbox}.${p.id}`
    try {
      if (bus.publishValue) for (let i = 0; i < subjects.length; i++) bus.publishValue(subjects[i], value, reply)
      else {
        const data = encode(value)
        for (let i = 0; i < subjects.length; i++) bus.publish(subjects[i], data, reply)
      }
    } catch (err) {
      // Nothing will answer a call that could not be sent (a closed bus): drop it, tell the caller.
      p.onReply = null
      p.onEnd = null
      this.#finish(p, 'closed')
      throw err
    }
    if (expected <= 0) this.#finish(p, 'all')
  }

  #open(expected: number, timeoutMs: number, resolve: (g: Gathered) => void, onReply: Pending['onReply'] = null, onEnd: Pending['onEnd'] = null): Pending {
    const id = ++this.#seq
    const p: Pending = {
      id,
      lane: timeoutMs,
      expected,
      got: 0,
      replies: onReply === null ? [] : NO_REPLIES,
      values: onReply === null ? [] : NO_VALUES,
      deadline: performance.now() + timeoutMs,
      extended: false,
      done: false,
      resolve,
      onReply,
      onEnd,
    }
    this.#pending.set(id, p)
    this.#lane(timeoutMs, p)
    return p
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
    const lane = this.#lanes.get(p.lane)
    // Answered gathers would wait in their lane until their deadline (seconds for commits) and
    // survive every young-generation GC meanwhile; drop them once they are most of the lane.
    if (end === 'all' && lane && ++lane.done > 1024 && lane.done * 2 > lane.queue.length - lane.head) {
      lane.queue = lane.queue.filter((q, i) => i >= lane.head && !q.done)
      lane.head = 0
      lane.done = 0
    }
    const { replies, values, resolve, onEnd } = p
    // The entry stays in its lane until its deadline passes; it must not keep the replies (and
    // the encoder buffers they are views of) or the caller's continuation alive until then.
    p.replies = NO_REPLIES
    p.values = NO_VALUES
    p.resolve = noop
    p.onReply = null
    p.onEnd = null
    if (onEnd !== null) onEnd(end)
    else resolve({ replies, values, end })
  }

  #lane(ms: number, p: Pending): void {
    let lane = this.#lanes.get(ms)
    if (!lane) {
      lane = { ms, queue: [], head: 0, timer: null, firesAt: 0, done: 0 }
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
      if (p.done) {
        if (lane.done > 0) lane.done--
        continue
      }
      if (stalled && !p.extended) {
        p.extended = true
        p.deadline = now + lane.ms
        q.push(p)
      } else this.#finish(p, 'deadline')
    }
    if (lane.head === q.length) {
      lane.queue = []
      lane.head = 0
      lane.done = 0
    } else {
      if (lane.head > 4096) {
        lane.queue = q.slice(lane.head)
        lane.head = 0
      }
      this.#arm(lane, lane.queue[lane.head].deadline - now)
    }
  }
}
