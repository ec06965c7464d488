// The engine integration suite, parameterised by bus and store so the same tests run on the
// in-process bus and on real NATS, with the in-memory store and (added by the integrator) the real
// Postgres / PGlite stores. A store harness only has to seed rows and close.
import { afterEach, describe, expect, it } from 'vitest'
import type { Bus } from '../bus/types.ts'
import { decodeCommitBatch, type CommitBatch } from '../shard/wire.ts'
import type { Interviewer } from '../../client/model.ts'
import type { User } from '../model/types.ts'
import type { AssignmentLog, Directory, HeldLog, WeightsStore } from '../ports.ts'
import type { AssignmentEvent, DecisionEvent, RouteRequest } from '../../client/protocol.ts'
import { Engine } from '../engine/engine.ts'
import { silentLogger } from '../../server/log.ts'
import { uniquePrefix } from '../../test/helpers/services.ts'
import { interviewer, testConfig, user } from './fixtures.ts'

export type EngineStore = Directory & AssignmentLog & WeightsStore & HeldLog

export interface StoreHarness {
  store: EngineStore
  seed(users: User[], interviewers: Interviewer[]): Promise<void>
  close(): Promise<void>
}

/** Wraps a store so a test can make every call fail (a database outage) and recover. */
export function withOutage(store: EngineStore): { store: EngineStore; down: (on: boolean) => void } {
  let down = false
  const proxy = new Proxy(store, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv) as unknown
      if (typeof v !== 'function') return v
      return (...args: unknown[]) => (down ? Promise.reject(Object.assign(new Error('database unavailable'), { code: 'db_error' })) : (v as (...a: unknown[]) => unknown).apply(target, args))
    },
  })
  return { store: proxy, down: (on) => (down = on) }
}

/** Holds publishes on subjects ending in `suffix` until `n` are waiting, then sends them all. */
function gateBus(bus: Bus, suffix: string, n: number): Bus {
  // Both ways to publish are gated: bytes, and objects passed by reference in-process. The gate
  // counts commit items, not messages: the commits of one turn travel as one batch message.
  const held: (() => void)[] = []
  let items = 0
  let open = false
  const gate = (subject: string, count: () => number, send: () => void): void => {
    if (open || !subject.endsWith(suffix)) return send()
    held.push(send)
    items += count()
    if (items >= n) {
      open = true
      for (const f of held.splice(0)) f()
    }
  }
  return new Proxy(bus, {
    get(target, prop, recv) {
      if (prop === 'publish')
        return (subject: string, data: Uint8Array, reply?: string) =>
          gate(
            subject,
            () => decodeCommitBatch(data).items.length,
            () => target.publish(subject, data, reply),
          )
      const pv = target.publishValue?.bind(target)
      if (prop === 'publishValue' && pv)
        return (subject: string, value: unknown, reply?: string) =>
          gate(
            subject,
            () => (value as CommitBatch).items.length,
            () => pv(subject, value, reply),
          )
      const v = Reflect.get(target, prop, recv) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
}

export interface SuiteOptions {
  name: string
  /** A bus for one engine; `shared` is the bus of the first engine (the in-process bus reuses it). */
  bus: (shared: Bus | null) => Promise<Bus>
  store: () => Promise<StoreHarness>
}

const REQ: RouteRequest = { user_id: 1, topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 600 }
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function engineSuite(o: SuiteOptions): void {
  describe(`engine integration: ${o.name}`, () => {
    const cleanups: (() => Promise<void>)[] = []
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c().catch(() => {})
    })

    async function setup(opts: { users?: User[]; interviewers?: Interviewer[]; engines?: { SHARD_INDEX: number; SHARD_COUNT: number }[]; config?: Record<string, string>; gateCommits?: number } = {}) {
      const h = await o.store()
      cleanups.push(() => h.close())
      await h.seed(opts.users ?? [user(1), user(2), user(3)], opts.interviewers ?? [interviewer(1), interviewer(2, { cost: 70 })])
      const outage = withOutage(h.store)
      const prefix = uniquePrefix('eng')
      const engines: Engine[] = []
      const buses: Bus[] = []
      let first: Bus | null = null
      for (const [i, shard] of (opts.engines ?? [{ SHARD_INDEX: 0, SHARD_COUNT: 1 }]).entries()) {
        const bus = await o.bus(first)
        if (!first) first = bus
        buses.push(bus)
        if (bus !== first || i === 0) cleanups.push(() => bus.close())
        const e = new Engine({
          config: testConfig({ SUBJECT_PREFIX: prefix, NODE_ID: `node-${i}`, SHARD_INDEX: String(shard.SHARD_INDEX), SHARD_COUNT: String(shard.SHARD_COUNT), ...opts.config }),
          bus: opts.gateCommits ? gateBus(bus, '.commit', opts.gateCommits) : bus,
          store: outage.store,
          log: silentLogger,
          ctlTimeoutMs: 2_000,
        })
        await e.start()
        await bus.flush()
        cleanups.push(() => e.stop())
        engines.push(e)
      }
      return { e: engines[0], engines, h, outage, prefix, buses }
    }

    it('assigns the best bid, durably, keeping every bid with its factors', async () => {
      const { e, h } = await setup()
      const decisions: DecisionEvent[] = []
      e.onDecision((d) => decisions.push(d))
      const r = await e.route({ ...REQ, request_id: 'first' })
      expect(r).toMatchObject({ status: 'assigned', user_id: 1, interviewer_id: 1, current_queue: 1, queue_position: 0, estimated_start_min: 0 })
      const open = await h.store.openAssignments()
      expect(open.map((a) => a.id)).toEqual([r.assignment_id])
      const stored = await h.store.findDecisionByRequestId('first')
      expect(stored?.decision_id).toBe(r.decision_id)
      expect(decisions[0].bids.map((b) => b.interviewer_id)).toEqual([1, 2])
      expect(Object.keys(decisions[0].bids[0].factors).sort()).toEqual(['cost', 'experience', 'fairness', 'load', 'quality', 'topic'])
      expect(decisions[0].skipped_hosts).toEqual([])
    })

    it('operator subjects carry JSON: decisions, assignments per interviewer, heartbeats', async () => {
      const bus = await o.bus(null)
      cleanups.push(() => bus.close())
      const prefix = uniquePrefix('ops')
      const got: Record<string, unknown[]> = { decisions: [], assignments: [], heartbeat: [] }
      const dec = new TextDecoder()
      bus.subscribe(`${prefix}.decisions`, (m) => got.decisions.push(JSON.parse(dec.decode(m.data))))
      bus.subscribe(`${prefix}.assignments.*`, (m) => got.assignments.push([m.subject, JSON.parse(dec.decode(m.data))]))
      bus.subscribe(`${prefix}.nodes.*.heartbeat`, (m) => got.heartbeat.push(JSON.parse(dec.decode(m.data))))
      await bus.flush()
      const h = await o.store()
      cleanups.push(() => h.close())
      await h.seed([user(1)], [interviewer(7)])
      const e = new Engine({ config: testConfig({ SUBJECT_PREFIX: prefix, NODE_ID: 'ops-node' }), bus, store: h.store, log: silentLogger })
      await e.start()
      cleanups.push(() => e.stop())
      const r = await e.route(REQ)
      for (let i = 0; i < 100 && (got.decisions.length === 0 || got.assignments.length === 0); i++) await wait(10)
      expect(got.decisions[0]).toMatchObject({ type: 'decision', status: 'assigned', interviewer_id: 7, node_id: 'ops-node' })
      expect(got.assignments[0]).toEqual([`${prefix}.assignments.7`, expect.objectContaining({ type: 'assignment', assignment_id: r.assignment_id, state: 'active', previous: null })])
      expect(got.heartbeat[0]).toMatchObject({ type: 'heartbeat', node_id: 'ops-node', interviewers: 1 })
    })

    it('answers user_not_found, no_candidates and at_capacity', async () => {
      const { e } = await setup({ interviewers: [interviewer(1, { capacity: 1 })] })
      expect((await e.route({ ...REQ, user_id: 999 })).status).toBe('user_not_found')
      expect((await e.route({ ...REQ, language: 'Klingon' })).status).toBe('no_candidates')
      expect((await e.route({ ...REQ, budget: 10 })).status).toBe('no_candidates')
      expect((await e.route({ ...REQ, sensitivity: true })).status).toBe('no_candidates')
      expect((await e.route(REQ)).status).toBe('assigned')
      expect((await e.route(REQ)).status).toBe('at_capacity')
      expect((await e.route({ ...REQ, language: 'Klingon' })).status).toBe('no_candidates')
    })

    it('garbage on internal subjects is contained: hosts keep answering, routes keep working', async () => {
      const { e, prefix, buses } = await setup()
      const garbage = new Uint8Array([0xc1, 0xff, 0x00, 0x13])
      const bus = buses[0]
      for (const s of ['score', 'commit', 'ctl', 'bidders', 'weights']) bus.publish(`${prefix}.shard.0.${s}`, garbage, `${bus.newInbox()}.1`)
      bus.publish(`${prefix}.weights`, garbage)
      bus.publish(`${prefix}.bidders`, garbage)
      await bus.flush()
      await wait(20)
      expect((await e.route(REQ)).status).toBe('assigned')
    })

    it('rejects invalid requests with code invalid', async () => {
      const { e } = await setup()
      await expect(e.route({ ...REQ, budget: -1 })).rejects.toMatchObject({ code: 'invalid' })
      await expect(e.route({ ...REQ, topics: 'x' } as unknown as RouteRequest)).rejects.toMatchObject({ code: 'invalid' })
    })

    it('skips a shard host that does not answer before the deadline and says so', async () => {
      const { e } = await setup({ engines: [{ SHARD_INDEX: 0, SHARD_COUNT: 2 }], interviewers: [interviewer(2), interviewer(3)], config: { GATHER_DEADLINE_MS: '30' } })
      const decisions: DecisionEvent[] = []
      e.onDecision((d) => decisions.push(d))
      const r = await e.route(REQ)
      expect(r).toMatchObject({ status: 'assigned', interviewer_id: 2 })
      expect(decisions[0].skipped_hosts).toEqual(['shard-1'])
    })

    it('with no bids and a silent shard host, answers unavailable rather than a false no_candidates', async () => {
      const { e } = await setup({ engines: [{ SHARD_INDEX: 0, SHARD_COUNT: 2 }], interviewers: [interviewer(3), interviewer(5)], config: { GATHER_DEADLINE_MS: '30' } })
      await expect(e.route(REQ)).rejects.toMatchObject({ code: 'unavailable' })
    })

    it('a database error fails the request with unavailable and changes no actor state', async () => {
      const { e, outage } = await setup()
      expect((await e.route(REQ)).status).toBe('assigned')
      const before = await e.state()
      outage.down(true)
      await expect(e.route(REQ)).rejects.toMatchObject({ code: 'unavailable' })
      await expect(e.complete({ interviewer_id: 1 })).rejects.toMatchObject({ code: 'unavailable' })
      expect(await e.state()).toEqual(before)
      outage.down(false)
      expect((await e.route(REQ)).status).toBe('assigned')
    })

    it('when the winner refuses the commit (state changed since it bid) the next bid is tried', async () => {
      // Both commits are held until both routes have scored: both bid on interviewer 1 first. The
      // routes start a turn apart, so they are scored in separate batches (within one batch the
      // second route would already see interviewer 1 as taken and not bid on it).
      const { e } = await setup({ interviewers: [interviewer(1, { capacity: 1, cost: 10 }), interviewer(2, { capacity: 1, cost: 70 })], gateCommits: 2 })
      await e.route({ ...REQ, user_id: 2, budget: 0 })
      const decisions: DecisionEvent[] = []
      e.onDecision((d) => decisions.push(d))
      const first = e.route(REQ)
      await new Promise((r) => setTimeout(r, 5))
      const [a, b] = await Promise.all([first, e.route({ ...REQ, user_id: 2 })])
      expect([a.interviewer_id, b.interviewer_id].sort()).toEqual([1, 2])
      const second = decisions.find((d) => d.interviewer_id === 2)
      expect(second?.bids.map((b) => b.interviewer_id)).toEqual([1, 2])
      expect((await e.route(REQ)).status).toBe('at_capacity')
    })

    it('a repeated request_id returns the first outcome and never books twice', async () => {
      const { e, h } = await setup()
      const [a, b] = await Promise.all([e.route({ ...REQ, request_id: 'same' }), e.route({ ...REQ, request_id: 'same' })])
      const c = await e.route({ ...REQ, request_id: 'same' })
      expect(b.assignment_id).toBe(a.assignment_id)
      expect(c).toMatchObject({ assignment_id: a.assignment_id, replayed: true })
      expect(await h.store.openAssignments()).toHaveLength(1)
    })

    it('a request_id reused with another body is conflict, in flight and after; the first outcome stands', async () => {
      const { e, h } = await setup()
      const [a, clash] = await Promise.allSettled([e.route({ ...REQ, request_id: 'k' }), e.route({ ...REQ, language: 'Spanish', request_id: 'k' })])
      expect(clash).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } })
      await expect(e.route({ ...REQ, user_id: 2, request_id: 'k' })).rejects.toMatchObject({ code: 'conflict' })
      // Topic case and order are not part of the body's identity.
      const same = await e.route({ ...REQ, topics: REQ.topics.map((t) => t.toUpperCase()).reverse(), request_id: 'k' })
      expect(same).toMatchObject({ assignment_id: a.status === 'fulfilled' ? a.value.assignment_id : 'missing', replayed: true })
      expect(await h.store.openAssignments()).toHaveLength(1)
    })

    it('after a restart a repeated request_id replays the first outcome (assigned or not) and books nothing', async () => {
      const { e, h, engines } = await setup({ interviewers: [interviewer(1, { capacity: 1 })] })
      const a = await e.route({ ...REQ, request_id: 'kept' })
      const full = await e.route({ ...REQ, user_id: 2, request_id: 'full' })
      expect(full.status).toBe('at_capacity')
      await e.complete({ interviewer_id: 1 })
      await engines[0].stop()
      const bus = await o.bus(null)
      cleanups.push(() => bus.close())
      const again = new Engine({ config: testConfig({ SUBJECT_PREFIX: uniquePrefix('eng') }), bus, store: h.store, log: silentLogger })
      await again.start()
      cleanups.push(() => again.stop())
      expect(await again.route({ ...REQ, request_id: 'kept' })).toMatchObject({ status: 'assigned', assignment_id: a.assignment_id, replayed: true })
      expect(await again.route({ ...REQ, user_id: 2, wait: true, request_id: 'full' })).toMatchObject({ status: 'at_capacity', decision_id: full.decision_id, replayed: true })
      expect(await h.store.openAssignments()).toEqual([])
    })

    it('complete by interviewer or assignment, cancel, and their not_found / conflict codes', async () => {
      const { e, h } = await setup({ interviewers: [interviewer(1, { capacity: 3, concurrency: 1 })] })
      const a = await e.route(REQ)
      const b = await e.route(REQ)
      const c = await e.route(REQ)
      await expect(e.complete({ assignment_id: b.assignment_id as string })).rejects.toMatchObject({ code: 'conflict' })
      expect(await e.complete({ interviewer_id: 1 })).toMatchObject({ status: 'completed', assignment_id: a.assignment_id, current_queue: 2 })
      expect(await e.complete({ assignment_id: b.assignment_id as string })).toMatchObject({ assignment_id: b.assignment_id, current_queue: 1 })
      expect(await e.cancel(c.assignment_id as string)).toMatchObject({ status: 'cancelled', current_queue: 0 })
      await expect(e.cancel(c.assignment_id as string)).rejects.toMatchObject({ code: 'not_found' })
      await expect(e.complete({ interviewer_id: 1 })).rejects.toMatchObject({ code: 'not_found' })
      expect(await h.store.openAssignments()).toEqual([])
      expect(await e.assignmentOwner(a.assignment_id as string)).toBeNull()
    })

    it('paused and offline interviewers get nothing until they are online again', async () => {
      const { e } = await setup({ interviewers: [interviewer(1)] })
      expect(await e.setAvailability(1, 'paused')).toMatchObject({ interviewer_id: 1, availability: 'paused' })
      expect((await e.route(REQ)).status).toBe('no_candidates')
      await e.setAvailability(1, 'online')
      expect((await e.route(REQ)).status).toBe('assigned')
      await expect(e.setAvailability(99, 'online')).rejects.toMatchObject({ code: 'not_found' })
    })

    it('with wait, a full pool answers queued and assigns when a slot frees', async () => {
      const { e } = await setup({ interviewers: [interviewer(1, { capacity: 1 })] })
      const first = await e.route(REQ)
      const events: DecisionEvent[] = []
      e.onDecision((d) => events.push(d))
      const q = await e.route({ ...REQ, user_id: 2, wait: true, request_id: 'held' })
      expect(q.status).toBe('queued')
      expect((await e.route({ ...REQ, user_id: 2, wait: true, request_id: 'held' })).status).toBe('queued')
      await e.complete({ assignment_id: first.assignment_id as string })
      for (let i = 0; i < 100 && !events.some((d) => d.status === 'assigned'); i++) await wait(10)
      expect(events.find((d) => d.status === 'assigned')).toMatchObject({ user_id: 2, interviewer_id: 1, request_id: 'held' })
    })

    it('weights change live: version bumps, persists, and decisions carry it', async () => {
      const { e, h } = await setup()
      const w = await e.setWeights({ cost: 2 }, 'tester')
      expect(w.version).toBeGreaterThan(1)
      expect((await h.store.latestWeights())?.version).toBe(w.version)
      const events: DecisionEvent[] = []
      e.onDecision((d) => events.push(d))
      await e.route(REQ)
      expect(events[0].weights_version).toBe(w.version)
      await expect(e.setWeights({ cost: -5 }, 'tester')).rejects.toMatchObject({ code: 'invalid' })
    })

    it('after a restart every queue equals the committed rows', async () => {
      const { e, h, engines } = await setup({ interviewers: [interviewer(1, { capacity: 5 }), interviewer(2, { capacity: 5 })] })
      for (let i = 0; i < 6; i++) await e.route({ ...REQ, user_id: 1 + (i % 3) })
      await e.complete({ interviewer_id: 1 })
      const before = await e.state()
      await engines[0].stop()
      const bus = await o.bus(null)
      cleanups.push(() => bus.close())
      const again = new Engine({ config: testConfig({ SUBJECT_PREFIX: uniquePrefix('eng') }), bus, store: h.store, log: silentLogger })
      await again.start()
      cleanups.push(() => again.stop())
      const after = await again.state()
      expect(after.map((s) => [s.interviewer_id, s.current_queue, s.active, s.waiting])).toEqual(before.map((s) => [s.interviewer_id, s.current_queue, s.active, s.waiting]))
    })

    it('a remote bidder changes a score only within the clamp; a silent one costs only the deadline', async () => {
      const { e } = await setup({ interviewers: [interviewer(1, { cost: 70 }), interviewer(2, { cost: 70 })], config: { GATHER_DEADLINE_MS: '1000' } })
      const decisions: DecisionEvent[] = []
      e.onDecision((d) => decisions.push(d))
      const off = e.setRemoteBidder(2, async () => 1_000_000)
      await new Promise((r) => setTimeout(r, 100))
      await e.route(REQ)
      const d = decisions[0]
      const remote = d.bids.find((b) => b.interviewer_id === 2)
      const local = d.bids.find((b) => b.interviewer_id === 1)
      expect(remote?.source).toBe('remote')
      expect(remote && local && remote.score - local.score).toBeLessThan(1)
      off()
      e.setRemoteBidder(1, () => new Promise(() => {}))
      await new Promise((r) => setTimeout(r, 100))
      expect((await e.route(REQ)).status).toBe('assigned')
    })

    it('offers (console opted in, OFFER_TIMEOUT_S > 0): accept, reject re-routes elsewhere, expiry frees the slot and re-routes', async () => {
      const { e, h } = await setup({ interviewers: [interviewer(1, { cost: 10 }), interviewer(2, { cost: 70 })], config: { OFFER_TIMEOUT_S: '1' } })
      const events: AssignmentEvent[] = []
      e.onAssignment((ev) => events.push(ev))
      e.setRemoteBidder(1, async (r) => r.local_score)
      await e.setWeights({ cost: 10 }, 'tester') // the cheap interviewer 1 wins while it has room
      await wait(100)
      const a = await e.route(REQ)
      expect(a.interviewer_id).toBe(1)
      expect(events.find((ev) => ev.assignment_id === a.assignment_id)?.state).toBe('offered')
      expect(await e.accept(a.assignment_id as string)).toEqual({ status: 'accepted', assignment_id: a.assignment_id })
      await expect(e.accept(a.assignment_id as string)).rejects.toMatchObject({ code: 'conflict' })
      const b = await e.route(REQ)
      expect(b.interviewer_id).toBe(1)
      const again = await e.reject(b.assignment_id as string)
      expect(again).toMatchObject({ status: 'assigned', interviewer_id: 2 })
      const c = await e.route(REQ)
      expect(c.interviewer_id).toBe(1)
      for (let i = 0; i < 300 && !events.some((ev) => ev.assignment_id === c.assignment_id && ev.state === 'expired'); i++) await wait(10)
      // The lapsed offer's user is routed again, never to the interviewer who let it lapse.
      for (let i = 0; i < 300 && (await h.store.openAssignments()).length < 3; i++) await wait(10)
      const open = await h.store.openAssignments()
      expect(open.map((x) => x.id)).not.toContain(c.assignment_id)
      expect(open.filter((x) => x.id !== a.assignment_id && x.id !== again.assignment_id).map((x) => [x.interviewer_id, x.user_id])).toEqual([[2, REQ.user_id]])
    })

    it('two engines, each hosting half the interviewers, route correctly over one bus', async () => {
      const ivs = [1, 2, 3, 4, 5, 6].map((id) => interviewer(id, { capacity: 1 }))
      const { engines, h } = await setup({
        interviewers: ivs,
        engines: [
          { SHARD_INDEX: 0, SHARD_COUNT: 2 },
          { SHARD_INDEX: 1, SHARD_COUNT: 2 },
        ],
      })
      const [a, b] = engines
      const seen: AssignmentEvent[] = []
      a.onAssignment((ev) => seen.push(ev))
      const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((i) => (i % 2 ? a : b).route({ ...REQ, user_id: 1 + (i % 3) })))
      const assigned = results.filter((r) => r.status === 'assigned').map((r) => r.interviewer_id)
      expect(assigned.sort()).toEqual([1, 2, 3, 4, 5, 6])
      expect(results.filter((r) => r.status === 'at_capacity')).toHaveLength(1)
      expect((await a.state()).map((s) => [s.interviewer_id, s.current_queue, s.node_id])).toEqual(ivs.map((iv) => [iv.id, 1, `node-${iv.id % 2}`]))
      expect((await a.stats()).interviewers).toBe(3)
      const onB = results.find((r) => r.interviewer_id === 3)
      expect(await a.assignmentOwner(onB?.assignment_id as string)).toBe(3)
      expect(await a.complete({ assignment_id: onB?.assignment_id as string })).toMatchObject({ interviewer_id: 3, current_queue: 0 })
      expect(await h.store.openAssignments()).toHaveLength(5)
      expect(seen.length).toBeGreaterThan(0)
    })
  })
}
