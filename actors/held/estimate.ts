// The estimated wait of a held request, observed rather than assumed: per lane (the held requests
// competing for the same interviewers: language, sensitivity) an exponentially weighted mean of
// the time between two of its requests being assigned, times the requests ahead plus one. No
// estimate until a lane has seen two assignments: a constant would be a guess dressed as a figure.

/** Weight of the newest gap in the mean. */
const ALPHA = 0.2

export class WaitEstimator {
  #last = new Map<string, number>()
  #gap = new Map<string, number>()

  /** A held request of `lane` was assigned at `now` (ms epoch). */
  assigned(lane: string, now: number): void {
    const last = this.#last.get(lane)
    this.#last.set(lane, now)
    if (last === undefined) return
    const g = Math.max(0, now - last)
    const mean = this.#gap.get(lane)
    this.#gap.set(lane, mean === undefined ? g : mean + ALPHA * (g - mean))
  }

  /** Minutes until the request at 0-based `position` of `lane` is expected to be assigned; null when not yet observed. */
  estimate(lane: string, position: number): number | null {
    const mean = this.#gap.get(lane)
    if (mean === undefined) return null
    return Math.round(((position + 1) * mean) / 600) / 100
  }
}
