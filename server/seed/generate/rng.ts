// Fast deterministic randomness for the generator: every entity draws from its own stream, seeded
// from (seed, table, id), so output never depends on batch size or generation order.

/** murmur3's 32-bit finaliser: a cheap, well-mixed integer hash. */
export function mix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Hashes up to four integers into one 32-bit value. */
export function hash32(a: number, b = 0, c = 0, d = 0): number {
  let h = mix32((a ^ 0x9e3779b9) >>> 0)
  h = mix32((h ^ Math.imul(b + 0x7f4a7c15, 0x2c1b3c6d)) >>> 0)
  h = mix32((h ^ Math.imul(c + 0x165667b1, 0x297a2d39)) >>> 0)
  h = mix32((h ^ Math.imul(d + 0x27d4eb2f, 0x1b873593)) >>> 0)
  return h
}

/** A uniform float in [0, 1) from a hash. */
export const unit = (h: number): number => h / 4294967296

/** Table tags for per-entity streams. */
export const STREAM = { users: 1, interviewers: 2, history: 3, truth: 4, pools: 5, counts: 6, userProfile: 7 } as const

/** A small PRNG (mulberry32) with the draws the generator needs. */
export class Rng {
  #s: number
  constructor(seed: number) {
    this.#s = seed >>> 0
  }
  static for(seed: number, stream: number, id: number): Rng {
    return new Rng(hash32(seed, stream, id))
  }
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Integer in [lo, hi], inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]
  }
  /** The index pick would take in an array of n items. */
  index(n: number): number {
    return Math.floor(this.next() * n)
  }
  /** Approximately normal (Irwin–Hall of 4 uniforms), mean 0, sd 1. */
  normal(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * 1.7320508
  }
  /** Draws from a precomputed Weighted table. */
  weighted<T>(w: Weighted<T>): T {
    const x = this.next() * w.total
    const cum = w.cum
    let lo = 0
    let hi = cum.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cum[mid] > x) hi = mid
      else lo = mid + 1
    }
    return w.items[lo]
  }
  /** k distinct draws from a weighted table (k ≤ items). */
  distinct<T>(w: Weighted<T>, k: number): T[] {
    const out: T[] = []
    let guard = 0
    while (out.length < k && guard++ < k * 20) {
      const x = this.weighted(w)
      if (!out.includes(x)) out.push(x)
    }
    return out
  }
}

export interface Weighted<T> {
  items: T[]
  cum: number[]
  total: number
}

export function weighted<T>(pairs: readonly (readonly [T, number])[]): Weighted<T> {
  const items: T[] = []
  const cum: number[] = []
  let total = 0
  for (const [item, w] of pairs) {
    total += w
    items.push(item)
    cum.push(total)
  }
  return { items, cum, total }
}
