// Aging: a held request's effective priority grows with its wait, so a low priority cannot starve.
// effective(now) = priority + rate × minutes waited. Every request ages at the same rate, so the
// order of two held requests does not change while the rate stays put: it is the order of the
// static key priority − rate × minutes(queued − origin), ties first come first served (seq). A
// live rate change re-keys every held request once (HeldIndex.setRate).

/** What aging reads from a held request. */
export interface Aged {
  readonly priority: number
  /** Epoch ms when it was queued. */
  readonly at: number
  /** Arrival order on this node: FIFO among equal effective priorities. */
  readonly seq: number
  /** Order key (see agingKey); written by the index. */
  key: number
}

/** Aging in priority points per minute waited; 0 turns aging off. */
export const DEFAULT_AGING_PER_MIN = 10

export class Aging {
  /** Epoch ms the keys are measured from (keeps them small: exact float comparisons). */
  readonly origin: number
  #rate: number

  constructor(rate = DEFAULT_AGING_PER_MIN, origin = Date.now()) {
    this.#rate = checkRate(rate)
    this.origin = origin
  }

  get rate(): number {
    return this.#rate
  }

  set rate(r: number) {
    this.#rate = checkRate(r)
  }

  key(priority: number, at: number): number {
    return priority - (this.#rate * (at - this.origin)) / 60_000
  }

  /** The effective priority of a request at `now`. */
  effective(a: Aged, now: number): number {
    return a.priority + (this.#rate * Math.max(0, now - a.at)) / 60_000
  }
}

/** True when `a` is served before `b`: higher effective priority, then older. */
export function before(a: Aged, b: Aged): boolean {
  return a.key > b.key || (a.key === b.key && a.seq < b.seq)
}

export class AgingError extends Error {
  readonly code = 'invalid'
}

function checkRate(r: number): number {
  if (!Number.isFinite(r) || r < 0 || r > 1_000_000) throw new AgingError(`aging rate must be a number in [0, 1000000] priority points per minute, got ${r}`)
  return r
}
