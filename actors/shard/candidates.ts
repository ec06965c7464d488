// The shard host's candidate index: buckets keyed by language (and language+topic, each also split
// by clearance) listing the actors that are online with room ("open") or online and full. A scoring
// request scans only the buckets its hard filters allow, at most `scanLimit` actors, starting from a
// rotating cursor; top-k lives in a fixed heap. So a decision costs O(scanLimit + k), whatever the
// number of interviewers; below the limit the scan is exhaustive.
import type { Bid } from '../model/types.ts'
import type { InterviewerActor } from '../interviewer/actor.ts'
import { FACTOR_COUNT, factorsOf, round4, scoreInto, type ScoringContext } from '../scoring/scoring.ts'
import type { ScoreReq } from './messages.ts'

class Bucket {
  open: InterviewerActor[] = []
  full: InterviewerActor[] = []
  cursor = 0
}

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
  full: number
  /** Scan stamp of this request (monotonic). */
  scanned: number
}

export class CandidateIndex {
  readonly scanLimit: number
  #buckets = new Map<string, Bucket>()
  #stamp = 0
  // Fixed top-k heap (min-heap on score), reused by every scan.
  #heapScore: Float64Array
  #heapActor: (InterviewerActor | null)[]
  #factors = new Float64Array(FACTOR_COUNT)
  #maxK: number

  constructor(opts: { scanLimit?: number; maxK?: number } = {}) {
    this.scanLimit = opts.scanLimit ?? 64
    this.#maxK = opts.maxK ?? 16
    this.#heapScore = new Float64Array(this.#maxK)
    this.#heapActor = new Array<InterviewerActor | null>(this.#maxK).fill(null)
  }

  /** Registers an actor's buckets (after it is created or its profile changed). */
  add(actor: InterviewerActor): void {
    const q = actor.queue
    const keys = bucketKeys(q.langs, q.specs, q.profile.clearance)
    const buckets: Bucket[] = keys.map((k) => {
      let b = this.#buckets.get(k)
      if (!b) this.#buckets.set(k, (b = new Bucket()))
      return b
    })
    actor.buckets = buckets
    actor.openPos = new Int32Array(buckets.length).fill(-1)
    actor.fullPos = new Int32Array(buckets.length).fill(-1)
    this.update(actor)
  }

  remove(actor: InterviewerActor): void {
    const buckets = actor.buckets as Bucket[]
    for (let i = 0; i < buckets.length; i++) {
      this.#take(buckets[i].open, actor, i, actor.openPos)
      this.#take(buckets[i].full, actor, i, actor.fullPos)
    }
    actor.buckets = []
  }

  /** Moves the actor between open / full / neither after a state change. O(buckets). */
  update(actor: InterviewerActor): void {
    const q = actor.queue
    const online = q.availability === 'online'
    const open = online && q.hasRoom
    const full = online && !q.hasRoom
    const buckets = actor.buckets as Bucket[]
    for (let i = 0; i < buckets.length; i++) {
      const b = buckets[i]
      if (open) {
        if (actor.openPos[i] < 0) this.#put(b.open, actor, i, actor.openPos)
      } else this.#take(b.open, actor, i, actor.openPos)
      if (full) {
        if (actor.fullPos[i] < 0) this.#put(b.full, actor, i, actor.fullPos)
      } else this.#take(b.full, actor, i, actor.fullPos)
    }
  }

  /** Top-k eligible bids for one request, best first. */
  scan(r: ScoreReq, ctx: ScoringContext, w: Float64Array): ScanResult {
    const stamp = ++this.#stamp
    const k = Math.max(1, Math.min(r.k, this.#maxK))
    const suffix = r.sens ? CLEARED : ''
    let budget = this.scanLimit
    let size = 0
    let full = 0
    const hs = this.#heapScore
    const ha = this.#heapActor
    const excl = r.excl && r.excl.length > 0 ? r.excl : null
    const visit = (b: Bucket): void => {
      const list = b.open
      const n = list.length
      if (n === 0 || budget <= 0) return
      const take = n < budget ? n : budget
      let c = b.cursor < n ? b.cursor : 0
      for (let j = 0; j < take; j++) {
        const a = list[c]
        c = c + 1 === n ? 0 : c + 1
        if (a.seen === stamp) continue
        a.seen = stamp
        budget--
        const q = a.queue
        if (q.profile.cost > r.budget) continue
        if (excl !== null && excl.includes(q.id)) continue
        if (q.estimatedStart(q.occupancy) > r.sla) {
          full++
          continue
        }
        const s = scoreInto(ctx, q, w, this.#factors)
        if (size < k) {
          hs[size] = s
          ha[size] = a
          size++
          siftUp(hs, ha, size - 1)
        } else if (s > hs[0]) {
          hs[0] = s
          ha[0] = a
          siftDown(hs, ha, size)
        }
      }
      b.cursor = c
    }
    for (let i = 0; i < r.topics.length && budget > 0; i++) {
      const b = this.#buckets.get(r.lang + SEP + r.topics[i] + suffix)
      if (b) visit(b)
    }
    const langBucket = this.#buckets.get(r.lang + suffix)
    if (size < k && budget > 0 && langBucket) visit(langBucket)
    if (size === 0 && langBucket && langBucket.open.length > 0) {
      // Nothing eligible within the limit (e.g. a budget only a few can meet): before answering
      // "nobody", scan the whole language bucket. Costly only on this rare path.
      budget = langBucket.open.length
      visit(langBucket)
    }
    const bids: Bid[] = new Array<Bid>(size)
    // Pop the min-heap from the back: best bid ends up first.
    for (let i = size - 1; i >= 0; i--) {
      const a = ha[0] as InterviewerActor
      const last = i
      ha[0] = ha[last]
      hs[0] = hs[last]
      ha[last] = null
      siftDown(hs, ha, last)
      const q = a.queue
      const score = scoreInto(ctx, q, w, this.#factors)
      bids[i] = {
        interviewer_id: q.id,
        score: round4(score),
        factors: factorsOf(this.#factors),
        queue_depth: q.occupancy,
        estimated_start_min: q.estimatedStart(q.occupancy),
        source: 'local',
      }
    }
    if (size === 0 && langBucket) full += this.#countFull(langBucket, r)
    return { bids, full, scanned: stamp }
  }

  /** Eligible-but-full interviewers, counted over at most scanLimit of them (enough to say "some"). */
  #countFull(b: Bucket, r: ScoreReq): number {
    let n = 0
    const list = b.full
    const m = Math.min(list.length, this.scanLimit)
    for (let i = 0; i < m; i++) if (list[i].queue.profile.cost <= r.budget) n++
    return n
  }

  #put(list: InterviewerActor[], a: InterviewerActor, i: number, pos: Int32Array): void {
    pos[i] = list.length
    list.push(a)
  }

  #take(list: InterviewerActor[], a: InterviewerActor, i: number, pos: Int32Array): void {
    const at = pos[i]
    if (at < 0) return
    const last = list.pop() as InterviewerActor
    if (last !== a) {
      list[at] = last
      // The moved actor's slot for this bucket: find which of its buckets this list belongs to.
      const lb = last.buckets as Bucket[]
      const isOpen = pos === a.openPos
      for (let j = 0; j < lb.length; j++) {
        if ((isOpen ? lb[j].open : lb[j].full) === list) {
          ;(isOpen ? last.openPos : last.fullPos)[j] = at
          break
        }
      }
    }
    pos[i] = -1
  }
}

function siftUp(hs: Float64Array, ha: (InterviewerActor | null)[], i: number): void {
  while (i > 0) {
    const p = (i - 1) >> 1
    if (hs[p] <= hs[i]) break
    swap(hs, ha, i, p)
    i = p
  }
}

function siftDown(hs: Float64Array, ha: (InterviewerActor | null)[], n: number): void {
  let i = 0
  for (;;) {
    const l = 2 * i + 1
    const r = l + 1
    let m = i
    if (l < n && hs[l] < hs[m]) m = l
    if (r < n && hs[r] < hs[m]) m = r
    if (m === i) return
    swap(hs, ha, i, m)
    i = m
  }
}

function swap(hs: Float64Array, ha: (InterviewerActor | null)[], i: number, j: number): void {
  const s = hs[i]
  hs[i] = hs[j]
  hs[j] = s
  const a = ha[i]
  ha[i] = ha[j]
  ha[j] = a
}
