// The estimated wait: none before two assignments of a lane were seen, then (position + 1) × the
// observed mean gap between assignments of that lane; lanes do not mix.
import { describe, expect, it } from 'vitest'
import { WaitEstimator } from './estimate.ts'

const MIN = 60_000

describe('WaitEstimator', () => {
  it('estimates from observed assignment gaps per lane, and says nothing before it has seen one', () => {
    const w = new WaitEstimator()
    expect(w.estimate('english', 0)).toBeNull()
    w.assigned('english', 0)
    expect(w.estimate('english', 0)).toBeNull()
    w.assigned('english', 2 * MIN)
    expect(w.estimate('english', 0)).toBe(2)
    expect(w.estimate('english', 4)).toBe(10)
    expect(w.estimate('german', 0)).toBeNull()
    // A faster stretch pulls the mean down, gradually.
    w.assigned('english', 3 * MIN)
    const e = w.estimate('english', 0) as number
    expect(e).toBeLessThan(2)
    expect(e).toBeGreaterThan(1)
  })
})
