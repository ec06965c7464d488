// Held requests are a promise: persisted when queued, released on a graceful stop and restored by
// the next engine (another node id), taken over after a dead node's lease, replayed by request_id,
// and without request_id dropped with a decision row (the client is gone after a restart).
import { afterEach, describe, expect, it } from 'vitest'
import type { DecisionEvent, RouteRequest } from '../../client/protocol.ts'
import { silentLogger } from '../../server/log.ts'
import { LocalBus } from '../bus/local.ts'
import { Engine } from '../engine/engine.ts'
import { FakeStore } from '../testing/fake-store.ts'
import { interviewer, testConfig, user } from '../testing/fixtures.ts'
import { DROPPED_NO_CLIENT } from './durable.ts'

const REQ: RouteRequest = { user_id: 1, topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 600 }
const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s()
})

async function engine(store: FakeStore, node: string, over: Record<string, string> = {}): Promise<Engine> {
  const bus = new LocalBus()
  const e = new Engine({ config: testConfig({ NODE_ID: node, HELD_LEASE_S: '1', ...over }), bus, store, log: silentLogger })
  await e.start()
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await e.stop()
    await bus.close()
  }
  stops.push(stop)
  return Object.assign(e, { stopNow: stop })
}

function fixture(): FakeStore {
  const store = new FakeStore()
  for (let i = 1; i <= 5; i++) store.users.set(i, user(i))
  store.interviewers = [interviewer(1, { capacity: 1 })]
  return store
}

const until = async (f: () => boolean) => {
  for (let i = 0; i < 400 && !f(); i++) await new Promise((r) => setTimeout(r, 5))
}

describe('durable held requests', () => {
  it('a queued request is persisted, survives a graceful restart on another node id and is assigned there', async () => {
    const store = fixture()
    const a = (await engine(store, 'node-a')) as Engine & { stopNow(): Promise<void> }
    const first = await a.route(REQ)
    expect(first.status).toBe('assigned')
    const q = await a.route({ ...REQ, user_id: 2, wait: true, request_id: 'keep' })
    expect(q.status).toBe('queued')
    expect([...store.held.values()].map((h) => [h.row.id, h.row.request_id, h.row.node_id])).toEqual([[q.decision_id, 'keep', 'node-a']])
    await a.stopNow()
    expect([...store.held.values()][0].row.node_id).toBeNull()

    const b = await engine(store, 'node-b')
    expect((await b.stats()).held.size).toBe(1)
    // The client re-sends its request_id: the current status, not a second hold.
    expect(await b.route({ ...REQ, user_id: 2, wait: true, request_id: 'keep' })).toMatchObject({ status: 'queued', decision_id: q.decision_id, replayed: true })
    const assigned: DecisionEvent[] = []
    b.onDecision((d) => {
      if (d.status === 'assigned') assigned.push(d)
    })
    await b.complete({ assignment_id: first.assignment_id as string })
    await until(() => assigned.length > 0 && store.held.size === 0)
    expect(assigned.map((d) => [d.user_id, d.request_id])).toEqual([[2, 'keep']])
    expect(store.held.size).toBe(0)
    // Afterwards the request_id replays the outcome.
    expect(await b.route({ ...REQ, user_id: 2, wait: true, request_id: 'keep' })).toMatchObject({ status: 'assigned', replayed: true })
  })

  it("a dead node's held requests are taken over once its lease is stale; one without request_id is dropped with a decision row", async () => {
    const store = fixture()
    const a = (await engine(store, 'node-a')) as Engine & { stopNow(): Promise<void> }
    await a.route(REQ)
    const kept = await a.route({ ...REQ, user_id: 2, wait: true, request_id: 'k' })
    const anon = await a.route({ ...REQ, user_id: 3, wait: true })
    expect(store.held.size).toBe(2)
    // node-a "dies": its rows keep its name and an old lease (as if it never released them).
    await a.stopNow()
    for (const h of store.held.values()) {
      h.row = { ...h.row, node_id: 'node-a' }
      h.lease = Date.now() - 5_000
    }
    const b = await engine(store, 'node-b')
    await until(() => store.held.size === 1)
    expect([...store.held.values()].map((h) => [h.row.id, h.row.node_id])).toEqual([[kept.decision_id, 'node-b']])
    const dropped = store.decisions.get(anon.decision_id as string)
    expect(dropped).toMatchObject({ status: 'expired', request_id: null, user_id: 3, result: { message: DROPPED_NO_CLIENT } })
    expect((await b.stats()).held.size).toBe(1)
  })

  it('a client cancels its held request: it leaves the hold, durably, with a decision row', async () => {
    const store = fixture()
    const a = await engine(store, 'node-a')
    await a.route(REQ)
    const q = await a.route({ ...REQ, user_id: 2, wait: true, request_id: 'c' })
    expect(await a.cancelHeld('c')).toMatchObject({ status: 'cancelled', request_id: 'c' })
    await until(() => store.held.size === 0)
    expect(store.held.size).toBe(0)
    expect(store.byRequest.get('c')).toMatchObject({ decision_id: q.decision_id, status: 'expired' })
    await expect(a.cancelHeld('c')).rejects.toMatchObject({ code: 'not_found' })
    expect(await a.route({ ...REQ, user_id: 2, wait: true, request_id: 'c' })).toMatchObject({ status: 'expired', replayed: true })
  })

  it('wait with sla_min 0 is refused as invalid (the one route validator), never held', async () => {
    const store = fixture()
    const a = await engine(store, 'node-a')
    await expect(a.route({ ...REQ, wait: true, sla_min: 0 })).rejects.toMatchObject({ code: 'invalid', path: '/sla_min' })
    expect((await a.route({ ...REQ, sla_min: 0 })).status).toBe('assigned')
    expect(store.held.size).toBe(0)
  })

  it('the aging rate changes live on every node and the effective priorities follow it; a bad rate is invalid', async () => {
    const store = fixture()
    const bus = new LocalBus()
    const mk = (node: string) => new Engine({ config: testConfig({ NODE_ID: node, SUBJECT_PREFIX: 'agingtest' }), bus, store, log: silentLogger })
    const a = mk('node-a')
    const b = mk('node-b')
    await a.start()
    await b.start()
    stops.push(async () => {
      await b.stop()
      await a.stop()
      await bus.close()
    })
    await a.route(REQ)
    const low = await a.route({ ...REQ, user_id: 2, wait: true })
    const high = await a.route({ ...REQ, user_id: 3, wait: true, priority: 5 })
    expect(a.held().map((h) => h.decision_id)).toEqual([high.decision_id, low.decision_id])
    expect(await a.setHeldPolicy({ aging_per_min: 0 }, 'op')).toEqual({ aging_per_min: 0 })
    for (let i = 0; i < 100 && b.heldPolicy().aging_per_min !== 0; i++) await new Promise((r) => setTimeout(r, 5))
    expect(b.heldPolicy()).toEqual({ aging_per_min: 0 })
    // Without aging the effective priority is the priority itself, however long they waited.
    await new Promise((r) => setTimeout(r, 20))
    expect(a.held().map((h) => [h.priority, h.effective_priority])).toEqual([
      [5, 5],
      [0, 0],
    ])
    await expect(a.setHeldPolicy({ aging_per_min: -1 }, 'op')).rejects.toMatchObject({ code: 'invalid' })
  })

  it('one principal may hold HELD_MAX_PER_PRINCIPAL requests: beyond it rate_limited, others unaffected, room again once one leaves', async () => {
    const store = fixture()
    const a = await engine(store, 'node-a', { HELD_MAX_PER_PRINCIPAL: '2' })
    await a.route(REQ)
    expect((await a.route({ ...REQ, user_id: 2, wait: true, request_id: 'm1' }, 'mallory')).status).toBe('queued')
    expect((await a.route({ ...REQ, user_id: 3, wait: true }, 'mallory')).status).toBe('queued')
    await expect(a.route({ ...REQ, user_id: 4, wait: true }, 'mallory')).rejects.toMatchObject({ code: 'rate_limited' })
    expect((await a.route({ ...REQ, user_id: 4, wait: true }, 'alice')).status).toBe('queued')
    await a.cancelHeld('m1')
    expect((await a.route({ ...REQ, user_id: 5, wait: true }, 'mallory')).status).toBe('queued')
  })

  it('a node holding HELD_MAX_PER_NODE requests answers unavailable instead of holding more', async () => {
    const store = fixture()
    const a = await engine(store, 'node-a', { HELD_MAX_PER_NODE: '2' })
    await a.route(REQ)
    expect((await a.route({ ...REQ, user_id: 2, wait: true })).status).toBe('queued')
    expect((await a.route({ ...REQ, user_id: 3, wait: true })).status).toBe('queued')
    await expect(a.route({ ...REQ, user_id: 4, wait: true })).rejects.toMatchObject({ code: 'unavailable' })
    expect(store.held.size).toBe(2)
  })
})
