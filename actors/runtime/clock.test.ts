import { describe, expect, it } from 'vitest'
import { isoNow, seqIso } from './clock.ts'

describe('clock', () => {
  it('seqIso is strictly increasing, parseable, and sorts as text', () => {
    const xs = Array.from({ length: 3000 }, () => seqIso())
    for (let i = 1; i < xs.length; i++) expect(xs[i] > xs[i - 1]).toBe(true)
    expect(Number.isFinite(Date.parse(xs[0]))).toBe(true)
    expect(xs[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
  })
  it('isoNow is the current time to the millisecond', () => {
    expect(Math.abs(Date.parse(isoNow()) - Date.now())).toBeLessThan(1000)
  })
})
