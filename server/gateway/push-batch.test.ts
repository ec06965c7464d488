import { describe, expect, it } from 'vitest'
import { MAX_PUSH_BATCH_EVENTS, type StatsEvent, type Stream, type StreamEvent } from '../../client/protocol.ts'
import { PushBatches, type Timers } from './push-batch.ts'

/** Timers run by hand: `fire()` runs every timer set so far that was not cleared. */
function manualTimers(): Timers & { fire(): void; live: number } {
  const due = new Map<number, () => void>()
  let next = 0
  return {
    set(fn) {
      due.set(++next, fn)
      return next
    },
    clear(h) {
      due.delete(h as number)
    },
    fire() {
      const fns = [...due.values()]
      due.clear()
      for (const fn of fns) fn()
    },
    get live() {
      return due.size
    },
  }
}

const ev = (n: number) => ({ type: 'stats', n }) as unknown as StatsEvent

describe('PushBatches', () => {
  it('collects a window of events per connection and stream into one flush, oldest first', () => {
    const timers = manualTimers()
    const out: [string, Stream, number[], number][] = []
    const b = new PushBatches<{ name: string }>((c, s, events, dropped) => out.push([c.name, s, events.map((e) => (e as unknown as { n: number }).n), dropped]), timers)
    const a = { name: 'a' }
    const z = { name: 'z' }
    b.add(a, 'decisions', ev(1), 100)
    b.add(a, 'decisions', ev(2), 100)
    b.add(a, 'assignments', ev(3), 100)
    b.add(z, 'decisions', ev(4), 100)
    expect(out).toEqual([])
    expect(b.pending).toBe(4)
    timers.fire()
    expect(out).toEqual([
      ['a', 'decisions', [1, 2], 0],
      ['a', 'assignments', [3], 0],
      ['z', 'decisions', [4], 0],
    ])
    expect(b.pending).toBe(0)
    // A new event after the flush opens a new window.
    b.add(a, 'decisions', ev(5), 100)
    timers.fire()
    expect(out.at(-1)).toEqual(['a', 'decisions', [5], 0])
  })

  it('keeps at most MAX_PUSH_BATCH_EVENTS, dropping the oldest and counting them', () => {
    const timers = manualTimers()
    let got: StreamEvent[] = []
    let lost = -1
    const b = new PushBatches<object>((_c, _s, events, dropped) => {
      got = events
      lost = dropped
    }, timers)
    const c = {}
    for (let i = 0; i < MAX_PUSH_BATCH_EVENTS + 7; i++) b.add(c, 'decisions', ev(i), 100)
    timers.fire()
    expect(got).toHaveLength(MAX_PUSH_BATCH_EVENTS)
    expect((got[0] as unknown as { n: number }).n).toBe(7)
    expect(lost).toBe(7)
  })

  it('discard forgets a connection (or one stream of it) and cancels its timers', () => {
    const timers = manualTimers()
    const out: Stream[] = []
    const b = new PushBatches<object>((_c, s) => out.push(s), timers)
    const c = {}
    b.add(c, 'decisions', ev(1), 100)
    b.add(c, 'assignments', ev(2), 100)
    b.discard(c, 'decisions')
    expect(timers.live).toBe(1)
    timers.fire()
    expect(out).toEqual(['assignments'])
    b.add(c, 'decisions', ev(3), 100)
    b.discard(c)
    expect(timers.live).toBe(0)
    expect(b.pending).toBe(0)
  })
})
