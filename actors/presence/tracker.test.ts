import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PresenceError, PresenceTracker } from './tracker.ts'

function setup(graceMs = 1000) {
  let t = 0
  const tracker = new PresenceTracker(graceMs, () => t)
  return { tracker, advance: (ms: number) => (t += ms) }
}

describe('PresenceTracker', () => {
  it('expires an interviewer once its only session has been gone longer than the grace', () => {
    const { tracker, advance } = setup(1000)
    tracker.connected(7, 'a')
    advance(5000)
    expect(tracker.expire()).toEqual([])
    tracker.disconnected(7, 'a')
    expect(tracker.nextDeadline()).toBe(6000)
    advance(1000)
    expect(tracker.present(7)).toBe(true)
    expect(tracker.expire()).toEqual([])
    advance(1)
    expect(tracker.present(7)).toBe(false)
    expect(tracker.expire()).toEqual([7])
    expect(tracker.expire()).toEqual([])
    expect(tracker.tracked(7)).toBe(false)
    expect(tracker.nextDeadline()).toBeNull()
  })

  it('keeps an interviewer that reconnects within the grace', () => {
    const { tracker, advance } = setup(1000)
    tracker.connected(7, 'a')
    tracker.disconnected(7, 'a')
    advance(900)
    tracker.connected(7, 'b')
    advance(5000)
    expect(tracker.expire()).toEqual([])
    expect(tracker.present(7)).toBe(true)
    expect(tracker.nextDeadline()).toBeNull()
  })

  it('waits for the last of several sessions', () => {
    const { tracker, advance } = setup(1000)
    tracker.connected(7, 'a')
    tracker.connected(7, 'b')
    tracker.disconnected(7, 'a')
    advance(2000)
    expect(tracker.expire()).toEqual([])
    tracker.disconnected(7, 'b')
    advance(1001)
    expect(tracker.expire()).toEqual([7])
  })

  it('ignores sessions it never saw and interviewers without a console', () => {
    const { tracker, advance } = setup(10)
    tracker.disconnected(3, 'x')
    tracker.connected(4, 'a')
    tracker.disconnected(4, 'zzz')
    advance(100)
    expect(tracker.expire()).toEqual([])
    expect(tracker.tracked(3)).toBe(false)
    expect(tracker.present(4)).toBe(true)
  })

  it('returns expiries oldest first and the earliest deadline', () => {
    const { tracker, advance } = setup(100)
    for (const id of [1, 2, 3]) tracker.connected(id, `s${id}`)
    tracker.disconnected(2, 's2')
    advance(10)
    tracker.disconnected(1, 's1')
    advance(10)
    tracker.disconnected(3, 's3')
    expect(tracker.nextDeadline()).toBe(100)
    advance(95)
    expect(tracker.expire()).toEqual([2, 1])
    expect(tracker.nextDeadline()).toBe(120)
  })

  it('refuses a negative or non-finite grace with a typed error', () => {
    expect(() => new PresenceTracker(-1, () => 0)).toThrow(PresenceError)
    expect(() => new PresenceTracker(Number.NaN, () => 0)).toThrow(expect.objectContaining({ code: 'invalid' }))
  })

  type Op = { kind: 'connect' | 'disconnect'; iv: number; s: number } | { kind: 'advance'; ms: number } | { kind: 'expire' }
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constantFrom('connect' as const, 'disconnect' as const), iv: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 400 }) }),
    fc.record({ kind: fc.constant('expire' as const) }),
  )

  it('matches a reference model: expires exactly the interviewers gone longer than the grace, never one with a session', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.array(op, { maxLength: 80 }), (grace, ops) => {
        let now = 0
        const tracker = new PresenceTracker(grace, () => now)
        const model = new Map<number, { sessions: Set<number>; goneAt: number | null }>()
        for (const o of ops) {
          if (o.kind === 'advance') now += o.ms
          else if (o.kind === 'connect') {
            tracker.connected(o.iv, String(o.s))
            const m = model.get(o.iv) ?? { sessions: new Set<number>(), goneAt: null }
            m.sessions.add(o.s)
            m.goneAt = null
            model.set(o.iv, m)
          } else if (o.kind === 'disconnect') {
            tracker.disconnected(o.iv, String(o.s))
            const m = model.get(o.iv)
            if (m?.sessions.delete(o.s) && m.sessions.size === 0) m.goneAt = now
          } else {
            const expected = [...model].filter(([, m]) => m.goneAt !== null && now - m.goneAt > grace).map(([id]) => id)
            const got = tracker.expire()
            expect(new Set(got)).toEqual(new Set(expected))
            for (const id of got) {
              expect(model.get(id)!.sessions.size).toBe(0)
              model.delete(id)
            }
          }
          for (const [id, m] of model) expect(tracker.present(id)).toBe(m.goneAt === null || now - m.goneAt <= grace)
          const deadlines = [...model.values()].filter((m) => m.goneAt !== null).map((m) => m.goneAt! + grace)
          expect(tracker.nextDeadline()).toBe(deadlines.length ? Math.min(...deadlines) : null)
        }
      }),
      { numRuns: 300 },
    )
  })
})
