// One contract suite over both bus implementations: the same subject semantics in-process and on NATS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasNats, TEST_NATS_URL, uniquePrefix } from '../../test/helpers/services.ts'
import type { Bus, BusMsg } from './types.ts'
import { LocalBus } from './local.ts'
import { NatsBus } from './nats.ts'
import { subjectMatches } from './subjects.ts'

const natsOk = await hasNats()
const impls: [string, () => Promise<Bus>, boolean][] = [
  ['local', async () => new LocalBus(), true],
  ['nats', () => NatsBus.connect({ url: TEST_NATS_URL }), natsOk],
]

const enc = (s: string) => new TextEncoder().encode(s)
const dec = (b: Uint8Array) => new TextDecoder().decode(b)
function collect(bus: Bus, subject: string, opts?: { queue?: string }): BusMsg[] {
  const got: BusMsg[] = []
  bus.subscribe(subject, (m) => got.push(m), opts)
  return got
}
async function settle(bus: Bus): Promise<void> {
  await bus.flush()
  await new Promise((r) => setTimeout(r, bus.kind === 'nats' ? 50 : 5))
}

describe('subjectMatches', () => {
  it('follows NATS wildcard rules', () => {
    expect(subjectMatches('a.*.c', 'a.b.c')).toBe(true)
    expect(subjectMatches('a.*', 'a.b.c')).toBe(false)
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true)
    expect(subjectMatches('a.>', 'a')).toBe(false)
    expect(subjectMatches('a.b', 'a.b')).toBe(true)
    expect(subjectMatches('a.b', 'a.c')).toBe(false)
  })
})

for (const [name, make, available] of impls) {
  describe.runIf(available)(`Bus contract: ${name}`, () => {
    let bus: Bus
    let p: string
    beforeAll(async () => {
      bus = await make()
    })
    afterAll(async () => {
      await bus.close()
    })
    it('delivers asynchronously to exact and wildcard subscribers', async () => {
      p = uniquePrefix('bus')
      const exact = collect(bus, `${p}.a.b`)
      const star = collect(bus, `${p}.a.*`)
      const tail = collect(bus, `${p}.>`)
      await settle(bus)
      bus.publish(`${p}.a.b`, enc('x'))
      expect(exact).toHaveLength(0)
      await settle(bus)
      expect(exact.map((m) => dec(m.data))).toEqual(['x'])
      expect(star).toHaveLength(1)
      expect(tail).toHaveLength(1)
      bus.publish(`${p}.a.b.c`, enc('y'))
      await settle(bus)
      expect(star).toHaveLength(1)
      expect(tail).toHaveLength(2)
    })
    it('delivers a queue group message to one member only', async () => {
      p = uniquePrefix('bus')
      const a = collect(bus, `${p}.q`, { queue: 'g' })
      const b = collect(bus, `${p}.q`, { queue: 'g' })
      await settle(bus)
      for (let i = 0; i < 10; i++) bus.publish(`${p}.q`, enc(String(i)))
      await settle(bus)
      expect(a.length + b.length).toBe(10)
    })
    it('carries a reply subject and answers on an inbox', async () => {
      p = uniquePrefix('bus')
      bus.subscribe(`${p}.echo`, (m) => m.reply && bus.publish(m.reply, m.data))
      const inbox = bus.newInbox()
      const replies = collect(bus, `${inbox}.*`)
      await settle(bus)
      bus.publish(`${p}.echo`, enc('ping'), `${inbox}.7`)
      await settle(bus)
      expect(replies.map((m) => [m.subject, dec(m.data)])).toEqual([[`${inbox}.7`, 'ping']])
      expect(bus.newInbox()).not.toBe(inbox)
    })
    it('stops delivering after unsubscribe', async () => {
      p = uniquePrefix('bus')
      const got: BusMsg[] = []
      const sub = bus.subscribe(`${p}.u`, (m) => got.push(m))
      await settle(bus)
      sub.unsubscribe()
      bus.publish(`${p}.u`, enc('z'))
      await settle(bus)
      expect(got).toHaveLength(0)
    })
    it('a throwing handler does not stop delivery to others', async () => {
      p = uniquePrefix('bus')
      bus.subscribe(`${p}.t`, () => {
        throw new Error('handler bug')
      })
      const ok = collect(bus, `${p}.t`)
      await settle(bus)
      bus.publish(`${p}.t`, enc('1'))
      await settle(bus)
      expect(ok).toHaveLength(1)
    })
  })
}

describe('LocalBus subscription questions', () => {
  it('mayHaveSubscribersUnder answers for exact and wildcard subscriptions, and the version moves with them', async () => {
    const bus = new LocalBus()
    const v0 = bus.subscriptionVersion()
    expect(bus.mayHaveSubscribersUnder('p.assignments.')).toBe(false)
    const inbox = bus.subscribe('_INBOX.x.*', () => {})
    expect(bus.mayHaveSubscribersUnder('p.assignments.')).toBe(false)
    const one = bus.subscribe('p.assignments.7', () => {})
    expect(bus.subscriptionVersion()).not.toBe(v0)
    expect(bus.mayHaveSubscribersUnder('p.assignments.')).toBe(true)
    one.unsubscribe()
    expect(bus.mayHaveSubscribersUnder('p.assignments.')).toBe(false)
    for (const pattern of ['p.assignments.*', 'p.>', '*.assignments.*', '>']) {
      const s = bus.subscribe(pattern, () => {})
      expect(bus.mayHaveSubscribersUnder('p.assignments.')).toBe(true)
      s.unsubscribe()
    }
    for (const pattern of ['p.assignments.*.x', 'p.decisions', 'q.*.*']) {
      const s = bus.subscribe(pattern, () => {})
      expect(bus.mayHaveSubscribersUnder('p.assignments.')).toBe(false)
      s.unsubscribe()
    }
    inbox.unsubscribe()
    await bus.close()
  })
})
