// Reconnect delays: exponential with full jitter, so clients cut off together do not return together.

export interface ReconnectOptions {
  initialMs?: number
  maxMs?: number
  /** Give up after this many consecutive failed attempts; default: never. */
  maxAttempts?: number
}

export class Backoff {
  readonly #initial: number
  readonly #max: number
  readonly #maxAttempts: number
  readonly #random: () => number
  #attempt = 0

  constructor(opts: ReconnectOptions = {}, random: () => number = Math.random) {
    this.#initial = opts.initialMs ?? 100
    this.#max = opts.maxMs ?? 5000
    this.#maxAttempts = opts.maxAttempts ?? Infinity
    this.#random = random
  }

  get attempt(): number {
    return this.#attempt
  }

  get exhausted(): boolean {
    return this.#attempt >= this.#maxAttempts
  }

  /** The delay before the next attempt: between half and all of min(max, initial·2^attempt). */
  next(): number {
    const cap = Math.min(this.#max, this.#initial * 2 ** Math.min(this.#attempt, 30))
    this.#attempt++
    return Math.round(cap / 2 + (cap / 2) * this.#random())
  }

  reset(): void {
    this.#attempt = 0
  }
}
