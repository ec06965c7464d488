// The held-request index: a freed interviewer retries only the held requests it can serve, best
// first; attempts are counted at the index (HeldRequests) and through a real engine.
import { afterEach, describe, expect, it } from 'vitest'
import type { RouteRequest } from '../../client/protocol.ts'
import { LocalBus } from '../bus/local.ts'
import { Engine } from '../engine/engine.ts'
import { HeldRequests, type Held } from '../engine/held.ts'
import { silentLogger } from '../../server/log.ts'
import { FakeStore } from '../testing/fake-store.ts'
import { interviewer, testConfig, user } from '../testing/fixtures.ts'
import { HeldIndex, type HeldItem } from './index.ts'
import type { FreedNotice } from './notice.ts'
import { Aging } from './aging.ts'

const REQ: RouteRequest = { user_id: 1, topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 600 }
const notice = (over: Partial<FreedNotice> = {}): FreedNotice => ({ iv: 9, langs: ['english'], cost: 50, clearance: false, room: 1, start_min: 0, ...over })
const item = (seq: number, over: Partial<HeldItem['filter']> = {}, priority = 0, at = 1_000_000): HeldItem => ({
  filter: { language: 'english', budget: 75, sensitivity: false, sla_min: 600, ...over },
  priority,
  at,
  seq,
  key: 0,
})

describe('HeldIndex', () => {
  it('offers a freed interviewer only what its static hard filters and its next start allow', () => {
    const ix = new HeldIndex<HeldItem>(new Aging(0, 0))
    const ok = item(1)
    const german = item(2, { language: 'german' })
    const cheap = item(3, { budget: 40 })
    const sensitive = item(4, { sensitivity: true })
    const hurried = item(5, { sla_min: 10 })
    for (const it of [ok, german, cheap, sensitive, hurried]) ix.add(it)
    expect(ix.servable(notice(), 10, new Set())).toEqual([ok, hurried])
    expect(ix.servable(notice({ start_min: 30 }), 10, new Set())).toEqual([ok])
    expect(ix.servable(notice({ clearance: true, langs: ['english', 'german'] }), 10, new Set())).toEqual([ok, german, sensitive, hurried])
    expect(ix.servable(notice({ iv: -1 }), 10, new Set())).toHaveLength(5)
    expect(ix.remove(german)).toBe(true)
    expect(ix.remove(german)).toBe(false)
    expect(ix.size).toBe(4)
  })

  it('orders by priority, then age; a lane never looked at costs nothing', () => {
    const ix = new HeldIndex<HeldItem>(new Aging(0, 0))
    const low = item(1, {}, 0)
    const high = item(2, {}, 5)
    const highLater = item(3, {}, 5)
    for (let s = 10; s < 1010; s++) ix.add(item(s, { language: 'german' }, 100))
    for (const it of [low, highLater, high]) ix.add(it)
    const scanned = { n: 0 }
    expect(ix.servable(notice(), 10, new Set(), scanned)).toEqual([high, highLater, low])
    expect(scanned.n).toBe(3)
  })
})

describe('HeldRequests', () => {
  function held(attempt: (h: Held) => Promise<number | null>) {
    const hr = new HeldRequests({ attempt, expire: () => {} })
    return hr
  }
  const settle = () => new Promise((r) => setTimeout(r, 5))

  it('a freed slot retries only the eligible held requests, best first, and stops when the slot is taken', async () => {
    const tried: Held[] = []
    let free = 1
    const hr = held(async (h) => {
      tried.push(h)
      return free-- > 0 ? 9 : null
    })
    for (let i = 0; i < 500; i++) hr.add({ ...REQ, user_id: i, language: 'German' }, user(i), 'd')
    for (let i = 0; i < 500; i++) hr.add({ ...REQ, user_id: 1000 + i, budget: 10 }, user(i), 'd')
    hr.add({ ...REQ, user_id: 7, priority: 1 }, user(7), 'd')
    hr.add({ ...REQ, user_id: 8, priority: 3 }, user(8), 'd')
    hr.freed(notice())
    await settle()
    expect(tried.map((h) => h.req.user_id)).toEqual([8])
    expect(hr.counters.attempts).toBe(1)
    expect(hr.size).toBe(1001)
    // The next freed slot: user 7 takes it; a refused attempt ends the pass (nobody else tried).
    free = 0
    hr.freed(notice({ room: 3 }))
    await settle()
    expect(tried.map((h) => h.req.user_id)).toEqual([8, 7])
    expect(hr.size).toBe(1001)
    hr.clear()
  })

  it('an assignment elsewhere keeps the pass going while the freed interviewer still has room', async () => {
    const got: number[] = []
    const hr = held(async (h) => {
      got.push(h.req.user_id)
      return h.req.user_id === 1 ? 4 : 9
    })
    for (let i = 1; i <= 4; i++) hr.add({ ...REQ, user_id: i }, user(i), 'd')
    hr.freed(notice({ room: 2 }))
    await settle()
    expect(got).toEqual([1, 2, 3])
    expect(hr.size).toBe(1)
    hr.clear()
  })
})

describe('through the engine', () => {
  const stops: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const s of stops.splice(0)) await s()
  })

  it('completing an English interview retries the English held requests only (attempts counted)', async () => {
    const store = new FakeStore()
    for (let i = 1; i <= 60; i++) store.users.set(i, user(i))
    store.interviewers = [interviewer(1, { capacity: 1 }), interviewer(2, { capacity: 1, languages: ['German'] })]
    const bus = new LocalBus()
    const e = new Engine({ config: testConfig(), bus, store, log: silentLogger })
    await e.start()
    stops.push(async () => {
      await e.stop()
      await bus.close()
    })
    const first = await e.route(REQ)
    expect((await e.route({ ...REQ, user_id: 2, language: 'German' })).status).toBe('assigned')
    for (let i = 3; i < 53; i++) expect((await e.route({ ...REQ, user_id: i, language: 'German', wait: true })).status).toBe('queued')
    for (let i = 53; i < 56; i++) expect((await e.route({ ...REQ, user_id: i, wait: true, priority: i })).status).toBe('queued')
    const assigned: number[] = []
    e.onDecision((d) => {
      if (d.status === 'assigned') assigned.push(d.user_id)
    })
    await e.complete({ assignment_id: first.assignment_id as string })
    for (let i = 0; i < 200 && assigned.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
    expect(assigned).toEqual([55])
    const s = await e.stats()
    expect(s.held).toMatchObject({ size: 52, attempts: 1 })
  })

  it('two nodes: a slot freed on one shard reaches the router holding the request on the other node', async () => {
    const store = new FakeStore()
    for (let i = 1; i <= 5; i++) store.users.set(i, user(i))
    // Interviewer 1 lives on shard 1 (node B); the request is held by node A's router.
    store.interviewers = [interviewer(1, { capacity: 1 }), interviewer(2, { capacity: 1, languages: ['German'] })]
    const bus = new LocalBus()
    const mk = (i: number) => new Engine({ config: testConfig({ NODE_ID: `n${i}`, SUBJECT_PREFIX: 'twonodes', SHARD_INDEX: String(i), SHARD_COUNT: '2' }), bus, store, log: silentLogger })
    const a = mk(0)
    const b = mk(1)
    await a.start()
    await b.start()
    stops.push(async () => {
      await a.stop()
      await b.stop()
      await bus.close()
    })
    const first = await b.route(REQ)
    expect(first).toMatchObject({ status: 'assigned', interviewer_id: 1 })
    expect((await a.route({ ...REQ, user_id: 2, wait: true, request_id: 'far' })).status).toBe('queued')
    const assigned: number[] = []
    a.onDecision((d) => {
      if (d.status === 'assigned') assigned.push(d.user_id)
    })
    await b.complete({ interviewer_id: 1 })
    for (let i = 0; i < 200 && assigned.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
    expect(assigned).toEqual([2])
    expect((await a.stats()).held).toMatchObject({ size: 0, attempts: 1 })
    expect((await b.stats()).held).toMatchObject({ size: 0, attempts: 0 })
  })

  it('a queued reply says why (code + message), its position among its competitors and, once observed, the estimated wait', async () => {
    const store = new FakeStore()
    for (let i = 1; i <= 10; i++) store.users.set(i, user(i))
    store.interviewers = [interviewer(1, { capacity: 1 })]
    const bus = new LocalBus()
    const e = new Engine({ config: testConfig(), bus, store, log: silentLogger })
    await e.start()
    stops.push(async () => {
      await e.stop()
      await bus.close()
    })
    await e.route(REQ)
    const q1 = await e.route({ ...REQ, user_id: 2, wait: true, request_id: 'q1' })
    expect(q1).toMatchObject({ status: 'queued', queue_position: 0, pending_reason: { code: 'all_eligible_full' } })
    expect(q1.estimated_wait_min).toBeUndefined()
    for (let i = 3; i <= 6; i++) await e.route({ ...REQ, user_id: i, wait: true })
    expect(await e.route({ ...REQ, user_id: 7, wait: true, request_id: 'q7' })).toMatchObject({ queue_position: 5 })
    // Two held requests assigned: the lane's pace is observed, and the estimate follows the position.
    const assigned: number[] = []
    e.onDecision((d) => {
      if (d.status === 'assigned') assigned.push(d.user_id)
    })
    for (let k = 1; k <= 2; k++) {
      await e.complete({ interviewer_id: 1 })
      for (let i = 0; i < 200 && assigned.length < k; i++) await new Promise((r) => setTimeout(r, 5))
    }
    const again = await e.route({ ...REQ, user_id: 7, wait: true, request_id: 'q7' })
    expect(again).toMatchObject({ status: 'queued', replayed: true, queue_position: 3 })
    expect(again.estimated_wait_min).toBeGreaterThanOrEqual(0)
  })
})
