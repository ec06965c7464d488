// Token-bucket rate limiting per key (verified principal, or peer address), shared by HTTP and WebSocket.
// Buckets refill lazily on take(), so an idle key costs nothing; idle buckets are swept.

interface Bucket {
  tokens: number
  at: number
}

export class RateLimiter {
  readonly #rate: number
  readonly #burst: number
  readonly #buckets = new Map<string, Bucket>()
  readonly #now: () => number

  /** rate: tokens per second; burst: bucket size. `now` is injectable for tests (ms). */
  constructor(rate: number, burst: number, now: () => number = performance.now.bind(performance)) {
    this.#rate = rate / 1000
    this.#burst = burst
    this.#now = now
  }

  /** Takes one token: 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number {
    const now = this.#now()
    let b = this.#buckets.get(key)
    if (!b) {
      b = { tokens: this.#burst, at: now }
      this.#buckets.set(key, b)
    } else {
      b.tokens = Math.min(this.#burst, b.tokens + (now - b.at) * this.#rate)
      b.at = now
    }
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.#rate))
  }

  /** The milliseconds until take(key) would succeed, without taking: 0 when it would now. */
  peek(key: string): number {
    const b = this.#buckets.get(key)
    if (!b) return 0
    const tokens = Math.min(this.#burst, b.tokens + (this.#now() - b.at) * this.#rate)
    return tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.#rate))
  }

  /** Drops buckets that are full again (idle long enough); call from a timer. */
  sweep(): void {
    const now = this.#now()
    for (const [key, b] of this.#buckets) {
      if (b.tokens + (now - b.at) * this.#rate >= this.#burst) this.#buckets.delete(key)
    }
  }

  get size(): number {
    return this.#buckets.size
  }
}
