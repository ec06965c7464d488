// The shard host's candidate index: buckets keyed by language (and language+topic, each also split
// by clearance) listing the actors that are online with room ("open") or online and full. A scoring
// request scans only the buckets its hard filters allow, at most `scanLimit` actors, starting from a
// rotating cursor; top-k lives in a fixed heap. So a decision costs O(scanLimit + k), whatever the
// number of interviewers; below the limit the scan is exhaustive (and before answering "nobody"
// it always is). Hot fields live in typed arrays indexed by a dense slot, so the scan touches
// contiguous memory instead of chasing a pointer per field per candidate.
import type { Bid } from '../../client/model.ts'
import type { InterviewerActor } from '../interviewer/actor.ts'
import { FACTOR_COUNT, factorsOf, round4, scoreRaw, type ScoringContext } from '../scoring/scoring.ts'
import type { ScoreReq } from './wire.ts'

class Bucket {
  /** Slots of open actors. */
  open: number[] = []
  full: number[] = []
  cursor = 0
}

const M_NONE = 0
const M_OPEN = 1
const M_FULL = 2

const SEP = '\u0000'
const CLEARED = '\u0001c'

export function bucketKeys(langs: Iterable<string>, specs: Iterable<string>, cleared: boolean): string[] {
  const keys: string[] = []
  const sp = [...specs]
  for (const l of langs) {
    keys.push(l)
    for (const t of sp) keys.push(l + SEP + t)
    if (cleared) {
      keys.push(l + CLEARED)
      for (const t of sp) keys.push(l + SEP + t + CLEARED)
    }
  }
  return keys
}

export interface ScanResult {
  bids: Bid[]
  /** Interviewers passing the static filters but full or too late for sla_min. */
  full: number
}

export class CandidateIndex {
  readonly scanLimit: number
  #buckets = new Map<string, Bucket>()
  #actors: (InterviewerActor | null)[] = []
  #free: number[] = []
  #actorBuckets: Bucket[][] = []
  // Per slot, per bucket of the actor: its index in that bucket's open / full list, -1 when absent.
  // Small plain arrays: a typed array per actor costs hundreds of bytes at 100k interviewers.
  #openPos: number[][] = []
  #fullPos: number[][] = []
  // The hot table, one entry per slot.
  #cap = 0
  #cost = new Float64Array(0)
  #capacity = new Int32Array(0)
  #occ = new Int32Array(0)
  #conc = new Int32Array(0)
  #avg = new Float64Array(0)
  #last = new Float64Array(0)
  #quality = new Float64Array(0)
  #seniority = new Int32Array(0)
  #mask = new Int32Array(0)
  #seen = new Int32Array(0)
  /**
   * Routes of one score batch already expected to take this slot (its best bid so far): later
   * routes of the batch see it that much fuller, so a burst of alike routes spreads over many
   * interviewers instead of all bidding on the same top k (and most being refused at commit).
   */
  #pend = new Int32Array(0)
  #pendSlots: number[] = []
  /** Bucket membership the slot is listed under (M_*), so update() skips unchanged ones. */
  #member = new Int8Array(0)
  // Interviewer ids (the schema's integer: int32, so bids get small-integer ids, never boxed doubles).
  #ids = new Int32Array(0)
  #stamp = 0
  // Fixed top-k heap (min-heap on score), reused by every scan.
  #heapScore: Float64Array
  #heapSlot: Int32Array
  #factors = new Float64Array(FACTOR_COUNT)
  #maxK: number

  constructor(opts: { scanLimit?: number; maxK?: number } = {}) {
    this.scanLimit = opts.scanLimit ?? 64
    this.#maxK = opts.maxK ?? 16
    this.#heapScore = new Float64Array(this.#maxK)
    this.#heapSlot = new Int32Array(this.#maxK)
    this.#grow(1024)
  }

  /** Registers an actor (new, or after its profile changed). */
  add(actor: InterviewerActor): void {
    if (actor.slot >= 0) this.remove(actor)
    const slot = this.#free.pop() ?? this.#actors.length
    if (slot >= this.#cap) this.#grow(this.#cap * 2)
    this.#actors[slot] = actor
    actor.slot = slot
    const q = actor.queue
    const buckets = bucketKeys(q.langs, q.specs, q.profile.clearance).map((k) => {
      let b = this.#buckets.get(k)
      if (!b) this.#buckets.set(k, (b = new Bucket()))
      return b
    })
    this.#actorBuckets[slot] = buckets
    this.#openPos[slot] = new Array<number>(buckets.length).fill(-1)
    this.#fullPos[slot] = new Array<number>(buckets.length).fill(-1)
    this.#cost[slot] = q.cost
    this.#capacity[slot] = q.capacity
    this.#conc[slot] = q.concurrency
    this.#avg[slot] = q.avgDuration
    this.#quality[slot] = q.quality
    this.#seniority[slot] = q.seniority
    this.#mask[slot] = q.specMask
    this.#seen[slot] = 0
    this.#member[slot] = M_NONE
    this.#ids[slot] = q.id
    this.update(actor)
  }

  remove(actor: InterviewerActor): void {
    const slot = actor.slot
    if (slot < 0 || this.#actors[slot] !== actor) return
    const buckets = this.#actorBuckets[slot]
    for (let i = 0; i < buckets.length; i++) {
      this.#take(buckets[i].open, slot, i, this.#openPos)
      this.#take(buckets[i].full, slot, i, this.#fullPos)
    }
    this.#actors[slot] = null
    this.#actorBuckets[slot] = []
    this.#member[slot] = M_NONE
    this.#free.push(slot)
    actor.slot = -1
  }

  /**
   * Refreshes the actor's hot fields and open / full membership after a state change: O(buckets)
   * when the membership changes, O(1) otherwise (most commits leave an interviewer open).
   */
  update(actor: InterviewerActor): void {
    const slot = actor.slot
    if (slot < 0) return
    const q = actor.queue
    this.#occ[slot] = q.occupancy
    this.#last[slot] = q.lastAssignedAt
    const online = q.availability === 'online'
    const open = online && q.occupancy < q.capacity
    const full = online && !open
    const member = open ? M_OPEN : full ? M_FULL : M_NONE
    if (this.#member[slot] === member) return
    this.#member[slot] = member
    const buckets = this.#actorBuckets[slot]
    const op = this.#openPos[slot]
    const fp = this.#fullPos[slot]
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i]
      if (open) {
        if (op[i] < 0) this.#put(b.open, slot, i, op)
      } else if (op[i] >= 0) this.#take(b.open, slot, i, this.#openPos)
      if (full) {
        if (fp[i] < 0) this.#put(b.full, slot, i, fp)
      } else if (fp[i] >= 0) this.#take(b.full, slot, i, this.#fullPos)
    }
  }

  /** Top-k eligible bids for one request, best first. */
  scan(r: ScoreReq, ctx: ScoringContext, w: Float64Array): ScanResult {
    const stamp = ++this.#stamp
    const k = Math.max(1, Math.min(r.k, this.#maxK))
    const suffix = r.sens ? CLEARED : ''
    const st = { budget: this.scanLimit, size: 0, full: 0 }
    const excl = r.excl && r.excl.length > 0 ? r.excl : null
    for (let i = 0; i < r.topics.length && st.budget > 0; i++) {
      const b = this.#buckets.get(r.lang + SEP + r.topics[i] + suffix)
      if (b) this.#visit(b, r, ctx, w, k, stamp, excl, st)
    }
    const langBucket = this.#buckets.get(r.lang + suffix)
    if (st.size < k && st.budget > 0 && langBucket) this.#visit(langBucket, r, ctx, w, k, stamp, excl, st)
    if (st.size === 0 && langBucket && langBucket.open.length > 0) {
      // Nothing eligible within the limit (e.g. a budget only a few can meet): before answering
      // "nobody", scan the whole language bucket. Costly only on this rare path.
      st.budget = langBucket.open.length
      this.#visit(langBucket, r, ctx, w, k, stamp, excl, st)
    }
    const size = st.size
    const hs = this.#heapScore
    const hslot = this.#heapSlot
    const bids: Bid[] = new Array<Bid>(size)
    // Pop the min-heap into the back of the array: the best bid ends up first.
    let best = -1
    for (let i = size - 1; i >= 0; i--) {
      const slot = hslot[0]
      hslot[0] = hslot[i]
      hs[0] = hs[i]
      siftDown(hs, hslot, i)
      bids[i] = this.#bid(slot, ctx, w)
      best = slot
    }
    if (best >= 0 && this.#pend[best]++ === 0) this.#pendSlots.push(best)
    let full = st.full
    if (size === 0 && langBucket) full += this.#countFull(langBucket, r)
    return { bids, full }
  }

  /** The score batch is answered: its expected takes are forgotten (the actors now decide). */
  endBatch(): void {
    const slots = this.#pendSlots
    for (let i = 0; i < slots.length; i++) this.#pend[slots[i]] = 0
    slots.length = 0
  }

  #visit(b: Bucket, r: ScoreReq, ctx: ScoringContext, w: Float64Array, k: number, stamp: number, excl: number[] | null, st: { budget: number; size: number; full: number }): void {
    const list = b.open
    const n = list.length
    if (n === 0 || st.budget <= 0) return
    const take = n < st.budget ? n : st.budget
    let c = b.cursor < n ? b.cursor : 0
    const seen = this.#seen
    const cost = this.#cost
    const occ = this.#occ
    const pend = this.#pend
    const capacity = this.#capacity
    const conc = this.#conc
    const avg = this.#avg
    const hs = this.#heapScore
    const hslot = this.#heapSlot
    const budget = r.budget
    const sla = r.sla
    let size = st.size
    let left = st.budget
    let full = 0
    for (let j = 0; j < take; j++) {
      const s = list[c]
      c = c + 1 === n ? 0 : c + 1
      if (seen[s] === stamp) continue
      seen[s] = stamp
      left--
      if (cost[s] > budget) continue
      if (excl?.includes(this.#ids[s])) continue
      const p = pend[s]
      const o = occ[s] + p
      if (p !== 0 && o >= capacity[s]) {
        full++
        continue
      }
      const cc = conc[s]
      if (o >= cc && Math.ceil((o - cc + 1) / cc) * avg[s] > sla) {
        full++
        continue
      }
      // Only the score: the k winners' factors are computed again when their bids are built.
      const score = scoreRaw(ctx, this.#mask[s], null, this.#seniority[s], cost[s], this.#capacity[s], this.#quality[s], o, this.#last[s], w, null)
      if (size < k) {
        hs[size] = score
        hslot[size] = s
        size++
        siftUp(hs, hslot, size - 1)
      } else if (score > hs[0]) {
        hs[0] = score
        hslot[0] = s
        siftDown(hs, hslot, size)
      }
    }
    b.cursor = c
    st.size = size
    st.budget = left
    st.full += full
  }

  #bid(slot: number, ctx: ScoringContext, w: Float64Array): Bid {
    // Materialised only for the k winners, from the hot table (the actor objects are scattered in
    // a large heap); the Set fallback for topics without a bit is read only when there are some.
    const specs = ctx.extra.length > 0 ? (this.#actors[slot] as InterviewerActor).queue.specs : null
    const occ = this.#occ[slot]
    const conc = this.#conc[slot]
    // Scored as the scan scored it: with the batch's expected takes (see #pend).
    const score = scoreRaw(ctx, this.#mask[slot], specs, this.#seniority[slot], this.#cost[slot], this.#capacity[slot], this.#quality[slot], occ + this.#pend[slot], this.#last[slot], w, this.#factors)
    return {
      interviewer_id: this.#ids[slot],
      score: round4(score),
      factors: factorsOf(this.#factors),
      queue_depth: occ,
      // InterviewerQueue.estimatedStart(occupancy), from the table.
      estimated_start_min: occ < conc ? 0 : Math.ceil((occ - conc + 1) / conc) * this.#avg[slot],
      source: 'local',
    }
  }

  /** Eligible-but-full interviewers, counted over at most scanLimit of them (enough to say "some"). */
  #countFull(b: Bucket, r: ScoreReq): number {
    let n = 0
    const list = b.full
    const m = Math.min(list.length, this.scanLimit)
    for (let i = 0; i < m; i++) if (this.#cost[list[i]] <= r.budget) n++
    return n
  }

  #put(list: number[], slot: number, i: number, pos: number[]): void {
    pos[i] = list.length
    list.push(slot)
  }

  #take(list: number[], slot: number, i: number, posBy: number[][]): void {
    const pos = posBy[slot]
    const at = pos[i]
    if (at < 0) return
    const last = list.pop() as number
    if (last !== slot) {
      list[at] = last
      // The moved actor's position for this bucket: find which of its buckets owns this list.
      const lb = this.#actorBuckets[last]
      const isOpen = posBy === this.#openPos
      for (let j = 0; j < lb.length; j++) {
        if ((isOpen ? lb[j].open : lb[j].full) === list) {
          posBy[last][j] = at
          break
        }
      }
    }
    pos[i] = -1
  }

  #grow(cap: number): void {
    const g = <T extends Float64Array | Int32Array | Int8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap)
      b.set(a)
      return b
    }
    this.#cost = g(this.#cost, (n) => new Float64Array(n))
    this.#capacity = g(this.#capacity, (n) => new Int32Array(n))
    this.#occ = g(this.#occ, (n) => new Int32Array(n))
    this.#conc = g(this.#conc, (n) => new Int32Array(n))
    this.#avg = g(this.#avg, (n) => new Float64Array(n))
    this.#last = g(this.#last, (n) => new Float64Array(n))
    this.#quality = g(this.#quality, (n) => new Float64Array(n))
    this.#seniority = g(this.#seniority, (n) => new Int32Array(n))
    this.#mask = g(this.#mask, (n) => new Int32Array(n))
    this.#seen = g(this.#seen, (n) => new Int32Array(n))
    this.#pend = g(this.#pend, (n) => new Int32Array(n))
    this.#member = g(this.#member, (n) => new Int8Array(n))
    this.#ids = g(this.#ids, (n) => new Int32Array(n))
    this.#cap = cap
  }
}

function siftUp(hs: Float64Array, hslot: Int32Array, i: number): void {
  while (i > 0) {
    const p = (i - 1) >> 1
    if (hs[p] <= hs[i]) break
    swap(hs, hslot, i, p)
    i = p
  }
}

function siftDown(hs: Float64Array, hslot: Int32Array, n: number): void {
  let i = 0
  for (;;) {
    const l = 2 * i + 1
    const r = l + 1
    let m = i
    if (l < n && hs[l] < hs[m]) m = l
    if (r < n && hs[r] < hs[m]) m = r
    if (m === i) return
    swap(hs, hslot, i, m)
    i = m
  }
}

function swap(hs: Float64Array, hslot: Int32Array, i: number, j: number): void {
  const s = hs[i]
  hs[i] = hs[j]
  hs[j] = s
  const a = hslot[i]
  hslot[i] = hslot[j]
  hslot[j] = a
}
