// The live figures of the `stats` stream: decisions, latency and offer outcomes folded into a window
// that the gateway takes (and resets) once a second. Pure and bounded: a reservoir keeps at most
// SAMPLE_MAX latencies per window however many decisions arrive, so a flood costs O(1) per event.
import type { AssignmentEvent, RouteStatus, StatsEvent } from '../../client/protocol.ts'
import { ROUTE_STATUS } from '../../client/protocol.ts'

/** Latency samples kept per window (reservoir sampling beyond it). */
const SAMPLE_MAX = 4096
/** Offers whose creation time is remembered for time-to-accept; oldest forgotten first. */
const OFFERS_MAX = 50_000

const zeroOutcomes = (): Record<RouteStatus, number> => Object.fromEntries(Object.values(ROUTE_STATUS).map((s) => [s, 0])) as Record<RouteStatus, number>

/** The q-quantile (0..1) of sorted values, nearest rank; 0 for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]
}

export class StatsWindow {
  #decisions = 0
  #outcomes = zeroOutcomes()
  #latency: number[] = []
  #maxLatency = 0
  #offers = { offered: 0, accepted: 0, rejected: 0, expired: 0 }
  #acceptMs: number[] = []
  readonly #offeredAt = new Map<string, number>()
  /** Seeded xorshift for the reservoir, so a run is reproducible in tests. */
  #rng = 0x9e3779b9

  decision(e: { status: RouteStatus; latency_us: number }): void {
    this.#decisions++
    this.#outcomes[e.status]++
    if (e.latency_us > this.#maxLatency) this.#maxLatency = e.latency_us
    if (this.#latency.length < SAMPLE_MAX) this.#latency.push(e.latency_us)
    else {
      const j = this.#random() % this.#decisions
      if (j < SAMPLE_MAX) this.#latency[j] = e.latency_us
    }
  }

  assignment(e: Pick<AssignmentEvent, 'assignment_id' | 'state' | 'previous' | 'at'>): void {
    if (e.state === 'offered' && e.previous === null) {
      this.#offers.offered++
      this.#offeredAt.set(e.assignment_id, Date.parse(e.at))
      if (this.#offeredAt.size > OFFERS_MAX) this.#offeredAt.delete(this.#offeredAt.keys().next().value!)
      return
    }
    if (e.previous !== 'offered') return
    const at = this.#offeredAt.get(e.assignment_id)
    this.#offeredAt.delete(e.assignment_id)
    // An accepted offer becomes `active` at once when a slot is free, else `accepted` (waiting).
    if (e.state === 'accepted' || e.state === 'active') {
      this.#offers.accepted++
      if (at !== undefined) this.#acceptMs.push(Math.max(0, Date.parse(e.at) - at))
    } else if (e.state === 'cancelled') this.#offers.rejected++
    else if (e.state === 'expired') this.#offers.expired++
  }

  /** The window's figures as a stats event; starts the next window. */
  take(windowS: number, queue: StatsEvent['queue'], nodeId: string, now: Date): StatsEvent {
    const lat = this.#latency.sort((a, b) => a - b)
    const acc = this.#acceptMs.sort((a, b) => a - b)
    const event: StatsEvent = {
      type: 'stats',
      node_id: nodeId,
      at: now.toISOString(),
      window_s: windowS,
      throughput: windowS > 0 ? this.#decisions / windowS : 0,
      outcomes: this.#outcomes,
      latency_us: { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), max: this.#maxLatency },
      offers: { ...this.#offers, accept_ms_p50: acc.length ? quantile(acc, 0.5) : null },
      queue,
    }
    this.#decisions = 0
    this.#outcomes = zeroOutcomes()
    this.#latency = []
    this.#maxLatency = 0
    this.#offers = { offered: 0, accepted: 0, rejected: 0, expired: 0 }
    this.#acceptMs = []
    return event
  }

  #random(): number {
    let x = this.#rng
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.#rng = x >>> 0
    return this.#rng
  }
}
