// Held requests indexed by who can serve them: one lane per (language, sensitive) kept in serving
// order (effective priority, then age; see aging.ts). A freed interviewer reads only the lanes of
// its languages (the sensitive ones only when it is cleared) and filters them with the actors'
// own static hard filters (staticRefusal), so a pass touches the requests that interviewer could
// take, never every held request.
import { staticRefusal, startsTooLate, type HardFilterInput } from '../interviewer/queue.ts'
import { Aging, before, type Aged } from './aging.ts'
import type { FreedNotice } from './notice.ts'

/** What the index reads from a held request. */
export interface HeldItem extends Aged {
  /** The hard-filter fields of the request; language lower-cased. */
  readonly filter: HardFilterInput
}

const SENSITIVE = '\u0001s'

export class HeldIndex<T extends HeldItem> {
  readonly aging: Aging
  #lanes = new Map<string, T[]>()
  #size = 0

  constructor(aging = new Aging()) {
    this.aging = aging
  }

  get size(): number {
    return this.#size
  }

  add(item: T): void {
    item.key = this.aging.key(item.priority, item.at)
    const k = laneOf(item.filter)
    let lane = this.#lanes.get(k)
    if (!lane) this.#lanes.set(k, (lane = []))
    lane.splice(insertAt(lane, item), 0, item)
    this.#size++
  }

  /** Removes the item; false when it was not held. */
  remove(item: T): boolean {
    const k = laneOf(item.filter)
    const lane = this.#lanes.get(k)
    if (!lane) return false
    const i = insertAt(lane, item) - 1
    if (i < 0 || lane[i] !== item) return false
    lane.splice(i, 1)
    if (lane.length === 0) this.#lanes.delete(k)
    this.#size--
    return true
  }

  /** Requests ahead of the item in its lane (those competing for the same interviewers); -1 when not held. */
  rank(item: T): number {
    const lane = this.#lanes.get(laneOf(item.filter))
    if (!lane) return -1
    const i = insertAt(lane, item) - 1
    return i >= 0 && lane[i] === item ? i : -1
  }

  /** A live change of the aging rate: every held request is re-keyed and the lanes re-sorted. */
  setRate(rate: number): void {
    this.aging.rate = rate
    for (const lane of this.#lanes.values()) {
      for (const it of lane) it.key = this.aging.key(it.priority, it.at)
      lane.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
    }
  }

  /**
   * Up to `limit` held requests the freed interviewer can serve, best first, skipping `skip`;
   * `scanned` counts the requests looked at (the pass's cost, for tests and benchmarks).
   */
  servable(n: FreedNotice, limit: number, skip: ReadonlySet<T>, scanned = { n: 0 }): T[] {
    const lanes: T[][] = []
    if (n.iv < 0) lanes.push(...this.#lanes.values())
    else
      for (const l of n.langs) {
        const plain = this.#lanes.get(l)
        if (plain) lanes.push(plain)
        const sens = n.clearance ? this.#lanes.get(l + SENSITIVE) : undefined
        if (sens) lanes.push(sens)
      }
    const langs = n.iv < 0 ? null : new Set(n.langs)
    const out: T[] = []
    const at = new Array<number>(lanes.length).fill(0)
    while (out.length < limit) {
      // k-way merge over a handful of lanes: the best head next.
      let best = -1
      for (let j = 0; j < lanes.length; j++) if (at[j] < lanes[j].length && (best < 0 || before(lanes[j][at[j]], lanes[best][at[best]]))) best = j
      if (best < 0) break
      const it = lanes[best][at[best]++]
      scanned.n++
      if (skip.has(it)) continue
      if (langs && (staticRefusal(langs, n.cost, n.clearance, it.filter) !== null || startsTooLate(n.start_min, it.filter.sla_min))) continue
      out.push(it)
    }
    return out
  }

  /** Every held request in serving order (operators' listing, a reset shard). */
  all(): T[] {
    const out: T[] = []
    for (const lane of this.#lanes.values()) out.push(...lane)
    return out.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0))
  }

  clear(): T[] {
    const out = [...this.#lanes.values()].flat()
    this.#lanes.clear()
    this.#size = 0
    return out
  }
}

/** The lane of a request: the held requests competing for the same interviewers. */
export function laneOf(f: HardFilterInput): string {
  return f.sensitivity ? f.language + SENSITIVE : f.language
}

/** The index after the last item served before `item` (binary search on the serving order). */
function insertAt<T extends Aged>(lane: T[], item: T): number {
  let lo = 0
  let hi = lane.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (before(item, lane[mid])) hi = mid
    else lo = mid + 1
  }
  return lo
}
