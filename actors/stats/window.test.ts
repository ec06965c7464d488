import { describe, expect, it } from 'vitest'
import { quantile, StatsWindow } from './window.ts'

const queue = { interviewers: 3, online: 2, current_queue: 1, capacity: 9, held: 4 }
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString()

describe('StatsWindow', () => {
  it('counts a window of decisions by status with latency quantiles, then starts afresh', () => {
    const w = new StatsWindow()
    for (let i = 1; i <= 100; i++) w.decision({ status: i % 10 === 0 ? 'no_candidates' : 'assigned', latency_us: i })
    const e = w.take(2, queue, 'n1', new Date(0))
    expect(e.throughput).toBe(50)
    expect(e.outcomes.assigned).toBe(90)
    expect(e.outcomes.no_candidates).toBe(10)
    expect(e.outcomes.queued).toBe(0)
    expect(e.latency_us).toEqual({ p50: 50, p99: 99, max: 100 })
    expect(e.queue).toEqual(queue)
    const next = w.take(1, queue, 'n1', new Date(0))
    expect(next.throughput).toBe(0)
    expect(next.outcomes.assigned).toBe(0)
    expect(next.latency_us).toEqual({ p50: 0, p99: 0, max: 0 })
  })

  it('keeps a bounded sample under a flood, with the exact maximum', () => {
    const w = new StatsWindow()
    for (let i = 0; i < 100_000; i++) w.decision({ status: 'assigned', latency_us: i % 1000 })
    w.decision({ status: 'assigned', latency_us: 123_456 })
    const e = w.take(1, queue, 'n1', new Date(0))
    expect(e.throughput).toBe(100_001)
    expect(e.latency_us.max).toBe(123_456)
    // A uniform 0..999 stream: the sampled median lands near 500.
    expect(Math.abs(e.latency_us.p50 - 500)).toBeLessThan(60)
  })

  it('follows offers: accepted or straight to active (with time to accept), rejected, expired', () => {
    const w = new StatsWindow()
    for (const id of ['a', 'b', 'c', 'd']) w.assignment({ assignment_id: id, state: 'offered', previous: null, at: at(0) })
    w.assignment({ assignment_id: 'a', state: 'accepted', previous: 'offered', at: at(1500) })
    w.assignment({ assignment_id: 'd', state: 'active', previous: 'offered', at: at(2500) })
    w.assignment({ assignment_id: 'b', state: 'cancelled', previous: 'offered', at: at(10) })
    w.assignment({ assignment_id: 'c', state: 'expired', previous: 'offered', at: at(30_000) })
    // Later steps of an accepted assignment are not offer outcomes.
    w.assignment({ assignment_id: 'a', state: 'active', previous: 'accepted', at: at(1600) })
    const e = w.take(1, queue, 'n1', new Date(0))
    expect(e.offers).toEqual({ offered: 4, accepted: 2, rejected: 1, expired: 1, accept_ms_p50: 1500 })
    expect(w.take(1, queue, 'n1', new Date(0)).offers.accept_ms_p50).toBeNull()
  })

  it('quantile is nearest-rank', () => {
    expect(quantile([], 0.5)).toBe(0)
    expect(quantile([7], 0.99)).toBe(7)
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2)
    expect(quantile([1, 2, 3, 4], 1)).toBe(4)
  })
})
