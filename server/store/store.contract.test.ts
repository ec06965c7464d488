// One contract suite over every Store: PGlite in a temp folder and real Postgres in a temp database.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Assignment, InterviewRecord, User } from '../../actors/model/types.ts'
import type { DecisionRecord } from '../../actors/ports.ts'
import { createTempDatabase, hasPostgres } from '../../test/helpers/services.ts'
import { storeBackends } from '../../test/helpers/stores.ts'
import { generateInterviewers, historyBatches, interviewerBatches, makeUser, userBatches, type Sizes } from '../seed/generate/index.ts'
import { createStore, StoreError, type Store } from './index.ts'

const SEED = 11
const SIZES: Sizes = { users: 200, interviewers: 20, historyPerUser: 2 }

const backends = await storeBackends('store-contract')

let seq = 0
function decision(over: Partial<DecisionRecord> = {}): DecisionRecord {
  const n = ++seq
  const id = over.decision_id ?? `d${n}`
  return {
    type: 'decision',
    decision_id: id,
    request_id: null,
    user_id: 1,
    status: 'assigned',
    interviewer_id: 3,
    score: 1.5,
    weights_version: 1,
    bids: [],
    skipped_hosts: [],
    latency_us: 120,
    node_id: 'n1',
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
    request: { user_id: 1, topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 30 },
    result: { status: 'assigned', user_id: 1, interviewer_id: 3 },
    assignment_id: null,
    ...over,
  }
}
function assignment(d: DecisionRecord, over: Partial<Assignment> = {}): Assignment {
  return {
    id: `a-${d.decision_id}`,
    request_id: d.request_id,
    decision_id: d.decision_id,
    user_id: d.user_id,
    interviewer_id: d.interviewer_id ?? 3,
    score: 1.5,
    state: 'offered',
    created_at: d.at,
    updated_at: d.at,
    ...over,
  }
}
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'resolved'
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError)
    return (err as StoreError).code
  }
}

for (const backend of backends) {
  describe(`Store contract: ${backend.name}`, () => {
    let store: Store
    let dispose: () => Promise<void>
    beforeAll(async () => {
      ;({ store, dispose } = await backend.open())
      expect((await store.migrate()).applied).toEqual([
        '001_init',
        '002_durability',
        '003_lean_writes',
        '004_compact_decisions',
        '005_plan_safe_indexes',
        '006_learning',
        '008_shard_epochs',
        '010_held_requests',
      ])
    })
    afterAll(async () => dispose?.())
    beforeEach(async () => {
      await store.reset()
      await store.bulkLoad('users', userBatches(SEED, SIZES, 64))
      await store.bulkLoad('interviewers', interviewerBatches(SEED, SIZES, 7))
      await store.bulkLoad('interviews', historyBatches(SEED, SIZES, 100))
    })

    it('migrate is idempotent', async () => {
      expect(await store.migrate()).toEqual({ applied: [] })
      await store.ping()
    })

    it('bulkLoad streams every row and counts them', async () => {
      const history = [...historyBatches(SEED, SIZES)].flat()
      expect(await store.counts()).toEqual({
        users: 200,
        interviewers: 20,
        interviews: history.length,
        assignments: 0,
        open_assignments: 0,
        decisions: 0,
      })
      expect(await store.isEmpty()).toBe(false)
    })

    it('a bulk load whose source fails keeps nothing and leaves the store usable', async () => {
      await store.reset()
      const boom = new Error('source broke')
      function* failing(): Generator<User[]> {
        yield [...userBatches(SEED, SIZES, 50)][0]
        throw boom
      }
      await expect(store.bulkLoad('users', failing())).rejects.toBe(boom)
      expect((await store.counts()).users).toBe(0)
      expect(await store.bulkLoad('users', userBatches(SEED, SIZES))).toBe(200)
      expect(await store.listUsers({ page: 1, limit: 1, search: makeUser(SEED, 1).name })).toMatchObject({ total: 1 })
    })

    it('round-trips users and interviewers exactly', async () => {
      expect(await store.getUser(42)).toEqual(makeUser(SEED, 42))
      expect(await store.getUser(100_000)).toBeNull()
      expect(await store.getUser(2 ** 40)).toBeNull()
      expect(await store.loadInterviewers()).toEqual(generateInterviewers(SEED, 20))
      expect(await store.getInterviewer(7)).toEqual(generateInterviewers(SEED, 20)[6])
      expect(await store.getInterviewer(21)).toBeNull()
      expect(await store.getInterviewer(2 ** 40)).toBeNull()
    })

    it('pages and searches users', async () => {
      const p2 = await store.listUsers({ page: 2, limit: 10 })
      expect(p2.items.map((u) => u.id)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
      expect(p2).toMatchObject({ total: 200, page: 2, limit: 10 })
      const u = makeUser(SEED, 77)
      const last = u.name.split(' ').at(-1)!
      const byLast = await store.listUsers({ page: 1, limit: 200, search: last.slice(0, 4).toUpperCase() })
      expect(byLast.items.map((x) => x.id)).toContain(77)
      expect(byLast.total).toBe(byLast.items.length)
      expect((await store.listUsers({ page: 1, limit: 5, search: u.email })).items.map((x) => x.id)).toEqual([77])
      expect((await store.listUsers({ page: 1, limit: 5, search: '77' })).items.map((x) => x.id)).toContain(77)
      expect((await store.listUsers({ page: 1, limit: 5, search: '%' })).total).toBe(0)
    })

    it('aggregates interviewer stats and returns user history newest first', async () => {
      const history: InterviewRecord[] = [...historyBatches(SEED, SIZES)].flat()
      const stats = await store.interviewerStats()
      for (const s of stats) {
        const mine = history.filter((h) => h.interviewer_id === s.interviewer_id)
        const rated = mine.filter((h) => h.rating !== null)
        expect(s.interviews).toBe(mine.length)
        expect(s.completed).toBe(mine.filter((h) => h.outcome === 'completed').length)
        if (rated.length) expect(s.avg_rating).toBeCloseTo(rated.reduce((a, h) => a + h.rating!, 0) / rated.length, 9)
        else expect(s.avg_rating).toBeNull()
      }
      expect(stats.reduce((a, s) => a + s.interviews, 0)).toBe(history.length)
      const uid = history[0].user_id
      const mine = await store.userHistory(uid)
      expect(mine.length).toBe(history.filter((h) => h.user_id === uid).length)
      expect(mine).toEqual([...mine].sort((a, b) => b.started_at.localeCompare(a.started_at) || b.id - a.id))
    })

    it('commits assignments, transitions and decisions in one batch', async () => {
      const d1 = decision({ request_id: 'r-1' })
      const d2 = decision({ status: 'no_candidates', interviewer_id: null, score: null })
      const a1 = assignment(d1)
      const t = new Date(Date.parse(d1.at) + 1000).toISOString()
      const res = await store.commit({
        assignments: [a1],
        decisions: [d1, d2],
        transitions: [
          { id: a1.id, state: 'accepted', at: t },
          { id: a1.id, state: 'active', at: t },
        ],
      })
      expect(res).toEqual({ conflicts: [] })
      expect(await store.openAssignments()).toEqual([{ ...a1, state: 'active', updated_at: t }])
      expect(await store.findDecisionByRequestId('r-1')).toEqual(d1)
      expect(await store.getDecision(d2.decision_id)).toEqual(d2)
      expect(await store.findDecisionByRequestId('nope')).toBeNull()
      await store.commit({ assignments: [], decisions: [], transitions: [{ id: a1.id, state: 'completed', at: t }] })
      expect(await store.openAssignments()).toEqual([])
      expect((await store.counts()).assignments).toBe(1)
    })

    it('a fenced commit lands under the current shard epochs and is refused whole, nothing written, under a stale one', async () => {
      const epochs = store.shardEpochs()
      const a = await epochs.takeShard(900, 'n1')
      const b = await epochs.takeShard(901, 'n1')
      const d1 = decision({ request_id: 'fence-1' })
      expect(await store.commit({ assignments: [assignment(d1)], decisions: [d1], transitions: [], fences: [a, b] })).toEqual({ conflicts: [] })
      expect(await store.findDecisionByRequestId('fence-1')).toEqual(d1)
      await epochs.takeShard(901, 'n2')
      const d2 = decision({ request_id: 'fence-2' })
      const before = await store.counts()
      expect(await codeOf(store.commit({ assignments: [assignment(d2)], decisions: [d2], transitions: [{ id: `a-${d1.decision_id}`, state: 'accepted', at: d2.at }], fences: [a, b] }))).toBe('fenced')
      expect(await store.findDecisionByRequestId('fence-2')).toBeNull()
      expect(await store.counts()).toEqual(before)
      expect((await store.openAssignments()).find((x) => x.id === `a-${d1.decision_id}`)?.state).toBe('offered')
    })

    it('a completion commits its interview-history row with the transition; history and stats see it', async () => {
      const before = await store.counts()
      const d1 = decision({ user_id: 7, interviewer_id: 4, request: { user_id: 7, topics: ['Chargebacks', 'pricing'], language: 'English', budget: 75, sensitivity: false, sla_min: 30 } })
      const d2 = decision({ user_id: 7, interviewer_id: 4 })
      const a1 = assignment(d1, { state: 'active' })
      const a2 = assignment(d2, { state: 'active' })
      await store.commit({ assignments: [a1, a2], decisions: [d1, d2], transitions: [] })
      const statsOf = async () => (await store.interviewerStats()).find((s) => s.interviewer_id === 4) ?? { interviews: 0, completed: 0 }
      const s0 = await statsOf()
      const t = new Date(Date.parse(d2.at) + 30 * 60_000).toISOString()
      const row = { user_id: 7, interviewer_id: 4, started_at: a1.updated_at }
      await store.commit({
        assignments: [],
        decisions: [],
        transitions: [
          { id: a1.id, state: 'completed', at: t },
          { id: a2.id, state: 'completed', at: t },
        ],
        interviews: [
          { ...row, assignment_id: a1.id, outcome: 'completed', duration_min: 30, rating: 5 },
          { ...row, assignment_id: a2.id, outcome: 'no_show', duration_min: 0, rating: null },
        ],
      })
      expect(await store.openAssignments()).toEqual([])
      const live = (await store.userHistory(7, 1000)).filter((h) => h.started_at === a1.updated_at && h.interviewer_id === 4)
      expect(live.map(({ outcome, duration_min, rating, topic }) => ({ outcome, duration_min, rating, topic })).sort((x, y) => x.outcome.localeCompare(y.outcome))).toEqual([
        { outcome: 'completed', duration_min: 30, rating: 5, topic: 'Chargebacks' },
        { outcome: 'no_show', duration_min: 0, rating: null, topic: 'FinTech' },
      ])
      // Live rows take ids after the seeded ones.
      for (const h of live) expect(h.id).toBeGreaterThan(before.interviews)
      expect((await store.counts()).interviews).toBe(before.interviews + 2)
      const s1 = await statsOf()
      expect(s1.interviews).toBe(s0.interviews + 2)
      expect(s1.completed).toBe(s0.completed + 1)
      // An assignment ends once in history: a repeated row is not a second interview.
      await store.commit({
        assignments: [],
        decisions: [],
        transitions: [{ id: a1.id, state: 'completed', at: t }],
        interviews: [{ ...row, assignment_id: a1.id, outcome: 'abandoned', duration_min: 3, rating: null }],
      })
      expect((await store.counts()).interviews).toBe(before.interviews + 2)
    })

    it('a bad history row rolls back the transition it came with', async () => {
      const d = decision()
      const a = assignment(d, { state: 'active' })
      await store.commit({ assignments: [a], decisions: [d], transitions: [] })
      const t = new Date(Date.parse(d.at) + 1000).toISOString()
      const bad = { assignment_id: a.id, user_id: 1, interviewer_id: 3, outcome: 'bogus' as 'completed', duration_min: 1, rating: null, started_at: d.at }
      expect(await codeOf(store.commit({ assignments: [], decisions: [], transitions: [{ id: a.id, state: 'completed', at: t }], interviews: [bad] }))).toBe('invalid')
      expect((await store.openAssignments()).map((x) => x.id)).toEqual([a.id])
    })

    it('saves success-model versions in order and reads them back; training rows join history with users', async () => {
      expect(await store.latestModelVersion()).toBeNull()
      const v = { features: ['a', 'b'], coefficients: { intercept: -0.5, weights: [1.25, -2] }, metrics: { auc: 0.7, brier: 0.2 }, rows_used: 300 }
      const v1 = await store.saveModelVersion(v)
      const v2 = await store.saveModelVersion({ ...v, rows_used: 400 })
      expect(v2.id).toBeGreaterThan(v1.id)
      expect(v1).toMatchObject(v)
      expect(Number.isFinite(Date.parse(v1.trained_at))).toBe(true)
      expect(await store.latestModelVersion()).toEqual(v2)
      expect(await store.getModelVersion(v1.id)).toEqual(v1)
      expect(await store.getModelVersion(9999)).toBeNull()
      expect(await store.getModelVersion(-1)).toBeNull()
      const rows = await store.trainingRows(50)
      expect(rows).toHaveLength(50)
      const h = (await store.userHistory(rows[0].user.id, 1000)).find((x) => x.interviewer_id === rows[0].interviewer_id && x.topic === rows[0].topic)
      expect(h?.outcome).toBeDefined()
      expect(rows[0].user).toEqual(await store.getUser(rows[0].user.id))
      expect(await store.trainingRows(1e9)).toHaveLength((await store.counts()).interviews)
    })

    it('one batch mixes new rows, a transition of an earlier assignment and a lost request_id', async () => {
      const d1 = decision({ request_id: 'mix-1' })
      const a1 = assignment(d1)
      await store.commit({ assignments: [a1], decisions: [d1], transitions: [] })
      const d2 = decision({ request_id: 'mix-2' })
      const a2 = assignment(d2)
      const dup = decision({ request_id: 'mix-1' })
      const lost = assignment(dup)
      const t = new Date(Date.parse(d1.at) + 1000).toISOString()
      const res = await store.commit({ assignments: [a2, lost], decisions: [d2, dup], transitions: [{ id: a1.id, state: 'active', at: t }] })
      expect(res).toEqual({ conflicts: ['mix-1'] })
      expect(await store.openAssignments()).toEqual([{ ...a1, state: 'active', updated_at: t }, a2].sort((x, y) => x.created_at.localeCompare(y.created_at) || x.id.localeCompare(y.id)))
      expect(await store.getDecision(dup.decision_id)).toBeNull()
    })

    it('a batch with a bad row changes nothing', async () => {
      const d = decision()
      const bad = assignment(d, { state: 'bogus' as Assignment['state'] })
      expect(await codeOf(store.commit({ assignments: [bad], decisions: [d], transitions: [] }))).toBe('invalid')
      expect(await store.getDecision(d.decision_id)).toBeNull()
      const dup = decision()
      await store.commit({ assignments: [assignment(dup)], decisions: [dup], transitions: [] })
      const again = decision()
      // A repeated primary key is a database error too: the whole batch rolls back.
      expect(await codeOf(store.commit({ assignments: [assignment(dup)], decisions: [again], transitions: [] }))).toBe('conflict')
      expect(await store.getDecision(again.decision_id)).toBeNull()
    })

    it('a commit shape whose first run fails still commits on the next try (kept prepared)', async () => {
      const fresh = await backend.open()
      try {
        await fresh.store.migrate()
        const d = decision()
        const bad = assignment(d, { state: 'bogus' as Assignment['state'] })
        expect(await codeOf(fresh.store.commit({ assignments: [bad], decisions: [d], transitions: [] }))).toBe('invalid')
        const ok = decision()
        expect(await fresh.store.commit({ assignments: [assignment(ok)], decisions: [ok], transitions: [] })).toEqual({ conflicts: [] })
        expect(await fresh.store.getDecision(ok.decision_id)).toEqual(ok)
        expect(await fresh.store.getDecision(d.decision_id)).toBeNull()
      } finally {
        await fresh.dispose()
      }
    })

    it('never books a request_id twice: conflicts are reported and skipped', async () => {
      const first = decision({ request_id: 'same' })
      await store.commit({ assignments: [assignment(first)], decisions: [first], transitions: [] })
      const racer = decision({ request_id: 'same', interviewer_id: 9 })
      const other = decision({ request_id: 'other' })
      const twin = decision({ request_id: 'other' })
      const res = await store.commit({
        assignments: [assignment(racer), assignment(other), assignment(twin)],
        decisions: [racer, other, twin],
        transitions: [],
      })
      expect(res.conflicts.sort()).toEqual(['other', 'same'])
      expect((await store.findDecisionByRequestId('same'))?.decision_id).toBe(first.decision_id)
      expect((await store.findDecisionByRequestId('other'))?.decision_id).toBe(other.decision_id)
      expect((await store.openAssignments()).map((a) => a.decision_id).sort()).toEqual([first.decision_id, other.decision_id].sort())
    })

    it('lists decisions with filters and paging', async () => {
      const ds = [
        decision({ user_id: 5, interviewer_id: 1 }),
        decision({ user_id: 5, interviewer_id: 2 }),
        decision({ user_id: 6, interviewer_id: 1, status: 'at_capacity', score: null }),
        decision({ user_id: 7, interviewer_id: null, status: 'no_candidates' }),
      ]
      await store.commit({ assignments: [], decisions: ds, transitions: [] })
      const all = await store.listDecisions({})
      expect(all.total).toBe(4)
      expect(all.items.map((d) => d.decision_id)).toEqual(ds.map((d) => d.decision_id).reverse())
      expect((await store.listDecisions({ user_id: 5 })).items.map((d) => d.decision_id)).toEqual([ds[1].decision_id, ds[0].decision_id])
      expect((await store.listDecisions({ interviewer_id: 1, user_id: 6 })).items).toEqual([ds[2]])
      expect((await store.listDecisions({ outcome: 'no_candidates' })).items).toEqual([ds[3]])
      expect((await store.listDecisions({ from: ds[1].at, to: ds[3].at })).items.map((d) => d.decision_id)).toEqual([ds[2].decision_id, ds[1].decision_id])
      const p2 = await store.listDecisions({ page: 2, limit: 3 })
      expect(p2).toMatchObject({ total: 4, page: 2, limit: 3 })
      expect(p2.items.map((d) => d.decision_id)).toEqual([ds[0].decision_id])
    })

    it('a decision reads back exactly as committed: every bid with its factors, skipped hosts, request and result', async () => {
      const d = decision({
        request_id: 'rq-full',
        status: 'assigned',
        interviewer_id: 9,
        score: 2.81,
        assignment_id: 'a-full',
        bids: [
          { interviewer_id: 9, score: 2.81, factors: { topic: 1, experience: 0.6667, cost: 0.84, load: 1, fairness: 1, quality: 0.6798 }, queue_depth: 0, estimated_start_min: 0, source: 'local' },
          {
            interviewer_id: 24,
            score: -0.5,
            factors: { topic: 0, experience: 1, cost: 0.5333, load: 0.75, fairness: 0.25, quality: 0.5574 },
            queue_depth: 2,
            estimated_start_min: 30,
            source: 'remote',
          },
        ],
        skipped_hosts: ['host-"2"'],
        request: { user_id: 1, topics: ['FinTech', 'naïve \\ "quoted"'], language: 'English', budget: 75, sensitivity: true, sla_min: 30, request_id: 'rq-full', wait: true, priority: 2 },
        result: { status: 'assigned', user_id: 1, interviewer_id: 9, score: 2.81, current_queue: 1, assignment_id: 'a-full', queue_position: 0, estimated_start_min: 0, request_id: 'rq-full' },
      })
      await store.commit({ assignments: [assignment(d)], decisions: [d], transitions: [] })
      expect(await store.findDecisionByRequestId('rq-full')).toEqual(d)
      expect(await store.getDecision(d.decision_id)).toEqual(d)
      expect((await store.listDecisions({ interviewer_id: 9 })).items).toEqual([d])
    })

    it('saves weight versions, reads the latest, refuses a repeated version', async () => {
      expect(await store.latestWeights()).toBeNull()
      const w = { version: 2, topic: 1, experience: 0.5, cost: 0.4, load: 0.6, fairness: 0.2, quality: 0.5 }
      await store.saveWeights(w, 'op')
      await store.saveWeights({ ...w, version: 3, topic: 2 }, 'op')
      expect(await store.latestWeights()).toEqual({ ...w, version: 3, topic: 2 })
      expect(await codeOf(store.saveWeights(w, 'op'))).toBe('conflict')
      // History: newest first, with who saved each version and when; one version by number.
      await store.saveWeights({ ...w, version: 4, cost: 0.9 }, 'alice')
      const h = await store.weightsHistory(2)
      expect(h.map((v) => [v.weights.version, v.created_by])).toEqual([
        [4, 'alice'],
        [3, 'op'],
      ])
      expect(h[0].weights).toEqual({ ...w, version: 4, cost: 0.9 })
      expect(Math.abs(Date.parse(h[0].created_at) - Date.now())).toBeLessThan(3_600_000)
      expect((await store.weightsVersion(3))?.weights).toEqual({ ...w, version: 3, topic: 2 })
      expect(await store.weightsVersion(99)).toBeNull()
      expect(await store.weightsVersion(-1)).toBeNull()
    })

    it('cancels every open assignment at once', async () => {
      const ds = [decision(), decision(), decision()]
      const as = ds.map((d) => assignment(d))
      await store.commit({ assignments: as, decisions: ds, transitions: [{ id: as[2].id, state: 'completed', at: ds[2].at }] })
      await store.appendAudit({ actor: 'test', action: 'noop', details: { a: 1 } })
      expect(await store.cancelOpenAssignments('op', 'reset_queues')).toBe(2)
      expect(await store.openAssignments()).toEqual([])
      expect(await store.cancelOpenAssignments('op', 'again')).toBe(0)
    })

    it('reset empties every table and keeps the schema', async () => {
      const d = decision()
      await store.commit({ assignments: [assignment(d)], decisions: [d], transitions: [] })
      await store.reset()
      expect(await store.isEmpty()).toBe(true)
      expect(await store.counts()).toEqual({ users: 0, interviewers: 0, interviews: 0, assignments: 0, open_assignments: 0, decisions: 0 })
      expect(await store.migrate()).toEqual({ applied: [] })
    })

    it('held requests: saved once, found by request_id, claimed by one node, released, stale ones taken over, deleted', async () => {
      const req = { user_id: 1, topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 30, wait: true, request_id: 'h-1' }
      await store.saveHeld({ id: 'd-1', request_id: 'h-1', node_id: 'n1', request: req, queued_at: '2026-12-03T10:00:00.000Z' })
      await store.saveHeld({ id: 'd-1', request_id: 'h-1', node_id: 'n1', request: req, queued_at: '2026-12-03T10:00:00.000Z' })
      await store.saveHeld({ id: 'd-2', request_id: null, node_id: 'n1', request: { ...req, request_id: undefined }, queued_at: '2026-12-03T10:00:01.000Z' })
      expect(await store.findHeld('h-1')).toEqual({ id: 'd-1', request_id: 'h-1', node_id: 'n1', request: req, queued_at: '2026-12-03T10:00:00.000Z' })
      expect(await store.findHeld('nope')).toBeNull()
      // Another node takes nothing while n1's lease is fresh; n1 renews and gets both, oldest first.
      expect(await store.claimHeld('n2', 60_000)).toEqual([])
      expect((await store.claimHeld('n1', 60_000)).map((h) => h.id)).toEqual(['d-1', 'd-2'])
      // Released (graceful stop): the next node claims at once.
      await store.releaseHeld('n1')
      expect((await store.findHeld('h-1'))?.node_id).toBeNull()
      expect((await store.claimHeld('n2', 60_000)).map((h) => [h.id, h.node_id])).toEqual([
        ['d-1', 'n2'],
        ['d-2', 'n2'],
      ])
      // n2 died (kill -9): with its lease stale, n3 takes over.
      await new Promise((r) => setTimeout(r, 20))
      expect((await store.claimHeld('n3', 5)).map((h) => h.node_id)).toEqual(['n3', 'n3'])
      await store.deleteHeld(['d-1', 'd-2', 'unknown'])
      await store.deleteHeld([])
      expect(await store.claimHeld('n3', 0)).toEqual([])
    })

    it('exclusive() runs holders of one key one at a time, and returns what fn returns', async () => {
      const log: string[] = []
      const hold = (tag: string) =>
        store.exclusive('contract-test-lock', async () => {
          log.push(`${tag}:in`)
          await new Promise((r) => setTimeout(r, 30))
          log.push(`${tag}:out`)
          return tag
        })
      expect(await Promise.all([hold('a'), hold('b')])).toEqual(['a', 'b'])
      expect(log.slice(0, 2)).toEqual([log[0], log[0].replace(':in', ':out')])
      expect(log.slice(2, 4)).toEqual([log[2], log[2].replace(':in', ':out')])
    })
  })
}

describe('createStore on an unreachable Postgres', () => {
  it('fails with code unavailable, naming host:port and never the password', async () => {
    const err = await createStore({ databaseUrl: 'postgres://admin:s3cr3t-pw@127.0.0.1:1/db', dataDir: 'unused' }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(StoreError)
    expect((err as StoreError).code).toBe('unavailable')
    expect((err as StoreError).message).toContain('127.0.0.1:1')
    expect((err as StoreError).message).not.toContain('s3cr3t-pw')
  })
})

describe.runIf(await hasPostgres())('migrations on real Postgres', () => {
  it('several nodes migrating one database at once apply each migration exactly once', async () => {
    const db = await createTempDatabase('migrate')
    const stores = await Promise.all([1, 2, 3, 4].map(() => createStore({ databaseUrl: db.url, dataDir: 'unused' })))
    try {
      const results = await Promise.all(stores.map((s) => s.migrate()))
      expect(results.flatMap((r) => r.applied).sort()).toEqual([
        '001_init',
        '002_durability',
        '003_lean_writes',
        '004_compact_decisions',
        '005_plan_safe_indexes',
        '006_learning',
        '008_shard_epochs',
        '010_held_requests',
      ])
      expect(await stores[0].isEmpty()).toBe(true)
    } finally {
      await Promise.all(stores.map((s) => s.close()))
      await db.drop()
    }
  })
})
