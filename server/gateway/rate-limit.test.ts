// Token bucket: burst, refill, retry hint, sweeping — on an injected clock.
import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limit.ts'
import { clampBid } from './remote-bid.ts'

describe('RateLimiter', () => {
  it('allows the burst, then answers with the wait until the next token', () => {
    let now = 0
    const rl = new RateLimiter(10, 3, () => now)
    expect([rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([0, 0, 0])
    expect(rl.take('a')).toBe(100)
    expect(rl.take('b')).toBe(0)
    now = 50
    expect(rl.take('a')).toBe(50)
    now = 100
    expect(rl.take('a')).toBe(0)
  })

  it('peek says how long until a take would succeed, without taking', () => {
    let now = 0
    const rl = new RateLimiter(10, 2, () => now)
    expect(rl.peek('a')).toBe(0)
    rl.take('a')
    rl.take('a')
    expect([rl.peek('a'), rl.peek('a')]).toEqual([100, 100])
    now = 100
    expect(rl.peek('a')).toBe(0)
    expect(rl.take('a')).toBe(0)
  })

  it('never holds more than the burst, and sweeps idle buckets', () => {
    let now = 0
    const rl = new RateLimiter(1000, 2, () => now)
    rl.take('a')
    now = 1_000_000
    expect([rl.take('a'), rl.take('a'), rl.take('a') > 0]).toEqual([0, 0, true])
    now = 2_000_000
    rl.sweep()
    expect(rl.size).toBe(0)
  })
})

describe('clampBid', () => {
  it('clamps into [0, max] and turns non-finite into null', () => {
    expect(clampBid(1e9, 3.2)).toBe(3.2)
    expect(clampBid(-5, 3.2)).toBe(0)
    expect(clampBid(1.5, 3.2)).toBe(1.5)
    expect(clampBid(null, 3.2)).toBeNull()
    expect(clampBid(Number.NaN, 3.2)).toBeNull()
    expect(clampBid(Infinity, 3.2)).toBeNull()
  })
})
