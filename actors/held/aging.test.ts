// Aging: the served request always has the highest effective priority (FIFO on ties), and a
// request is overtaken only by requests that arrived within (priority lead / rate) minutes after
// it, so no request waits forever while slots keep freeing (property tests over random traffic).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Aging } from './aging.ts'
import { HeldIndex, type HeldItem } from './index.ts'
import { ANY_FREED } from './notice.ts'

const MIN = 60_000
const filter = { language: 'english', budget: 100, sensitivity: false, sla_min: 600 }
const best = (ix: HeldIndex<HeldItem>): HeldItem | undefined => ix.servable(ANY_FREED, 1, new Set())[0]

type Op = { kind: 'arrive'; priority: number; dt: number } | { kind: 'serve'; dt: number }
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('arrive' as const), priority: fc.integer({ min: -1000, max: 1000 }), dt: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ kind: fc.constant('serve' as const), dt: fc.integer({ min: 0, max: 30 }) }),
)

describe('aging', () => {
  it('serves the highest effective priority, FIFO on ties, and bounds who may overtake whom', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 50, noNaN: true }), fc.array(op, { maxLength: 300 }), (rate, ops) => {
        const aging = new Aging(rate, 0)
        const ix = new HeldIndex<HeldItem>(aging)
        let now = 0
        let seq = 0
        const held = new Set<HeldItem>()
        for (const o of ops) {
          now += o.dt * MIN
          if (o.kind === 'arrive') {
            const it: HeldItem = { filter, priority: o.priority, at: now, seq: ++seq, key: 0 }
            ix.add(it)
            held.add(it)
            continue
          }
          const b = best(ix)
          if (!b) {
            expect(held.size).toBe(0)
            continue
          }
          for (const a of held) {
            if (a === b) continue
            const ea = aging.effective(a, now)
            const eb = aging.effective(b, now)
            // Nobody still held is strictly better, and on a tie the served one came first.
            expect(ea <= eb + 1e-6).toBe(true)
            if (Math.abs(ea - eb) < 1e-9) expect(b.seq < a.seq).toBe(true)
            // b overtook an older a only with a priority lead larger than the aging a gained meanwhile.
            if (a.at < b.at) expect(b.priority - a.priority + 1e-6 >= (rate * (b.at - a.at)) / MIN).toBe(true)
          }
          ix.remove(b)
          held.delete(b)
        }
      }),
      { numRuns: 200 },
    )
  })

  it('a lowest-priority request amid an endless stream of top-priority ones is served after at most 2000 / rate minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (rate) => {
        const ix = new HeldIndex<HeldItem>(new Aging(rate, 0))
        const low: HeldItem = { filter, priority: -1000, at: 0, seq: 0, key: 0 }
        ix.add(low)
        // Each minute one top-priority request arrives and one slot frees.
        for (let minute = 1; minute <= 5000; minute++) {
          ix.add({ filter, priority: 1000, at: minute * MIN, seq: minute, key: 0 })
          const b = best(ix) as HeldItem
          ix.remove(b)
          if (b === low) {
            expect(minute).toBeLessThanOrEqual(Math.ceil(2000 / rate) + 1)
            return
          }
        }
        expect.unreachable('the low-priority request starved')
      }),
      { numRuns: 50 },
    )
  })

  it("without aging (rate 0) the same stream starves it: the property above is aging's doing", () => {
    const ix = new HeldIndex<HeldItem>(new Aging(0, 0))
    const low: HeldItem = { filter, priority: -1000, at: 0, seq: 0, key: 0 }
    ix.add(low)
    for (let minute = 1; minute <= 500; minute++) {
      ix.add({ filter, priority: 1000, at: minute * MIN, seq: minute, key: 0 })
      expect(best(ix)).not.toBe(low)
      ix.remove(best(ix) as HeldItem)
    }
  })

  it('a live rate change re-keys the held requests; a bad rate is refused with a code', () => {
    const ix = new HeldIndex<HeldItem>(new Aging(0, 0))
    const old: HeldItem = { filter, priority: 0, at: 0, seq: 1, key: 0 }
    const urgent: HeldItem = { filter, priority: 10, at: 60 * MIN, seq: 2, key: 0 }
    ix.add(old)
    ix.add(urgent)
    expect(best(ix)).toBe(urgent)
    ix.setRate(1)
    expect(best(ix)).toBe(old)
    expect(() => ix.setRate(-1)).toThrow(expect.objectContaining({ code: 'invalid' }))
  })
})
