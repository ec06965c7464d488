import { afterEach, describe, expect, it } from 'vitest'
import { LocalBus } from '../bus/local.ts'
import { Requester } from './requester.ts'

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

/** Blocks the event loop, as a GC pause or a long synchronous burst would. */
function stall(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    /* busy */
  }
}

describe('Requester', () => {
  let bus: LocalBus
  afterEach(async () => {
    await bus.close()
  })

  it('gathers every expected reply on one shared inbox (end: all)', async () => {
    bus = new LocalBus()
    for (const s of ['a', 'b']) bus.subscribe(s, (m) => bus.publish(m.reply!, bytes(s)))
    const r = new Requester(bus)
    const g = await r.gather(['a', 'b'], bytes('q'), 1000)
    expect(g.end).toBe('all')
    expect(g.replies.map((x) => new TextDecoder().decode(x)).sort()).toEqual(['a', 'b'])
    expect(r.inflight).toBe(0)
  })

  it('ends a gather at the deadline with what arrived (a silent responder is skipped)', async () => {
    bus = new LocalBus()
    bus.subscribe('fast', (m) => bus.publish(m.reply!, bytes('fast')))
    bus.subscribe('silent', () => {})
    const r = new Requester(bus)
    const t0 = performance.now()
    const g = await r.gather(['fast', 'silent'], bytes('q'), 30)
    expect(g.end).toBe('deadline')
    expect(g.replies).toHaveLength(1)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29)
  })

  it('does not blame a responder for a stall of this process: replies queued behind the timer still count', async () => {
    bus = new LocalBus()
    bus.subscribe('svc', (m) => bus.publish(m.reply!, bytes('ok')))
    const r = new Requester(bus)
    const pending = r.gather(['svc'], bytes('q'), 20)
    stall(80) // the deadline passes while the request and its reply are still queued in the bus
    const g = await pending
    expect(g.end).toBe('all')
    expect(g.replies).toHaveLength(1)
  })

  it('still ends a stalled gather whose responder is silent (one extension at most)', async () => {
    bus = new LocalBus()
    bus.subscribe('silent', () => {})
    const r = new Requester(bus)
    const pending = r.gather(['silent'], bytes('q'), 20)
    stall(60)
    const g = await pending
    expect(g.end).toBe('deadline')
    expect(g.replies).toHaveLength(0)
  })

  it('gatherValue passes the object by reference in-process, and encodes where the bus cannot', async () => {
    bus = new LocalBus()
    const seen: unknown[] = []
    bus.subscribe('obj', (m) => {
      seen.push(m.value)
      bus.publishValue(m.reply!, { echo: m.value })
    })
    const r = new Requester(bus)
    const q = { n: 1 }
    const g = await r.gatherValue(['obj'], q, () => bytes('never'), 1000)
    expect(seen[0]).toBe(q)
    expect(g.values[0]).toEqual({ echo: q })
    // A bus without publishValue (as NATS) gets the encoded bytes and no value.
    const plain = new LocalBus()
    const encodedOnly = {
      kind: 'nats' as const,
      publish: plain.publish.bind(plain),
      subscribe: plain.subscribe.bind(plain),
      newInbox: () => plain.newInbox(),
      flush: () => plain.flush(),
      close: () => plain.close(),
    }
    plain.subscribe('obj', (m) => plain.publish(m.reply!, m.data))
    const r2 = new Requester(encodedOnly)
    const g2 = await r2.gatherValue(['obj'], q, () => bytes('enc'), 1000)
    expect(new TextDecoder().decode(g2.replies[0])).toBe('enc')
    expect(g2.values[0]).toBeUndefined()
    r2.close()
    await plain.close()
  })

  it('answered gathers leave their lane (no growth while deadlines are long)', async () => {
    bus = new LocalBus()
    bus.subscribe('svc', (m) => bus.publish(m.reply!, bytes('ok')))
    const r = new Requester(bus)
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 1000 }, () => r.gather(['svc'], bytes('q'), 60_000)))
    expect(r.inflight).toBe(0)
    expect(r.lanePending).toBeLessThanOrEqual(2100)
    r.close()
  })

  it('call() counts the items each reply answers and ends once, with no reply arrays kept', async () => {
    bus = new LocalBus()
    // A batch of 3 items answered in two messages: [0, 2] then [1].
    bus.subscribe('batch', (m) => {
      bus.publishValue(m.reply!, [0, 2])
      setTimeout(() => bus.publishValue(m.reply!, [1]), 5)
    })
    const r = new Requester(bus)
    const seen: number[] = []
    const ended = await new Promise<string>((resolve) => {
      r.call(
        ['batch'],
        { n: 3 },
        () => bytes('x'),
        1000,
        3,
        (_d, v) => {
          seen.push(...(v as number[]))
          return (v as number[]).length
        },
        resolve,
      )
    })
    expect(ended).toBe('all')
    expect(seen).toEqual([0, 2, 1])
    expect(r.inflight).toBe(0)
    // Unanswered items end at the deadline.
    bus.subscribe('half', (m) => bus.publishValue(m.reply!, [0]))
    const late = await new Promise<string>((resolve) =>
      r.call(
        ['half'],
        {},
        () => bytes('x'),
        20,
        2,
        (_d, v) => (v as number[]).length,
        resolve,
      ),
    )
    expect(late).toBe('deadline')
    // A call that cannot be sent throws and leaves nothing pending.
    await bus.close()
    expect(() =>
      r.call(
        ['batch'],
        {},
        () => bytes('x'),
        1000,
        1,
        () => 1,
        () => {},
      ),
    ).toThrow()
    expect(r.inflight).toBe(0)
    bus = new LocalBus()
  })
})
