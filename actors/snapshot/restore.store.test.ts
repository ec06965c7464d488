// Snapshot restore on the real stores (embedded PGlite, and real Postgres): an engine works, takes a
// snapshot, works on, then "crashes" (abandoned without stop); a new engine on the same data must
// hold exactly the committed open assignments, with live state (availability) from the snapshot.
import { afterAll, describe, expect, it } from 'vitest'
import { createTempDatabase, hasPostgres } from '../../test/helpers/services.ts'
import { createStore } from '../../server/store/index.ts'
import type { Store } from '../../server/store/types.ts'
import { silentLogger } from '../../server/log.ts'
import { LocalBus } from '../bus/local.ts'
import { Engine } from '../engine/engine.ts'
import { interviewer, testConfig, user } from '../testing/fixtures.ts'
import type { RouteRequest } from '../../client/protocol.ts'

const REQ: RouteRequest = { user_id: 1, topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 600 }
const N = 30

async function seeded(store: Store): Promise<void> {
  await store.migrate()
  await store.reset()
  await store.bulkLoad('users', [Array.from({ length: 50 }, (_, i) => user(i + 1))])
  await store.bulkLoad('interviewers', [Array.from({ length: N }, (_, i) => interviewer(i + 1, { capacity: 4, concurrency: 1 }))])
}

const abandoned: Engine[] = []
function engine(store: Store): Engine {
  return new Engine({ config: testConfig({ SNAPSHOT_INTERVAL_S: '0' }), bus: new LocalBus(), store, log: silentLogger })
}

async function expectRestoredEqualsCommitted(e: Engine, store: Store): Promise<number> {
  const open = await store.openAssignments()
  const by = new Map<number, number>()
  for (const a of open) by.set(a.interviewer_id, (by.get(a.interviewer_id) ?? 0) + 1)
  const state = await e.state()
  expect(state).toHaveLength(N)
  for (const s of state) expect(s.current_queue, `interviewer ${s.interviewer_id}`).toBe(by.get(s.interviewer_id) ?? 0)
  return open.length
}

function restoreSuite(name: string, open: () => Promise<{ store: Store; drop: () => Promise<void> }>): void {
  describe(`snapshot restore on ${name}`, () => {
    let h: { store: Store; drop: () => Promise<void> } | undefined
    afterAll(async () => {
      for (const e of abandoned.splice(0)) await e.stop().catch(() => {})
      await h?.store.close()
      await h?.drop()
    })

    it('restores snapshot + rows changed after it, exactly, after an abandoned engine', async () => {
      h ??= await open()
      const { store } = h
      await seeded(store)
      const a = engine(store)
      abandoned.push(a)
      await a.start()
      for (let i = 0; i < 40; i++) await a.route({ ...REQ, user_id: 1 + (i % 50), request_id: `r${i}` })
      await a.complete({ interviewer_id: 1 })
      await a.setAvailability(2, 'paused')
      expect(await a.snapshotNow()).toBe(N)
      // Nothing changed since: the next run writes no interviewer, only its watermark.
      expect(await a.snapshotNow()).toBe(0)
      await a.complete({ interviewer_id: 3 })
      expect(await a.snapshotNow()).toBe(1)
      // Work after the snapshot: new bookings, completions, a cancellation. Only rows carry these.
      for (let i = 40; i < 70; i++) await a.route({ ...REQ, user_id: 1 + (i % 50), request_id: `r${i}` })
      for (let iv = 3; iv < 10; iv++) await a.complete({ interviewer_id: iv }).catch(() => null)
      const some = (await store.openAssignments()).at(-1)
      if (some) await a.cancel(some.id)

      const b = engine(store)
      abandoned.push(b)
      await b.start()
      const restored = b.durability.restore
      expect(restored?.snapshots).toBe(N)
      expect(restored?.replayed).toBeGreaterThan(0)
      expect(await expectRestoredEqualsCommitted(b, store)).toBeGreaterThan(0)
      expect((await b.stateOf(2))?.availability).toBe('paused')
      // A request_id from before the crash replays its first outcome; it never books twice.
      const first = await b.route({ ...REQ, request_id: 'r5' })
      expect(first.replayed).toBe(true)
    })

    it('a queue reset followed by a crash does not resurrect the cleared assignments', async () => {
      h ??= await open()
      const { store } = h
      await seeded(store)
      const a = engine(store)
      abandoned.push(a)
      await a.start()
      for (let i = 0; i < 20; i++) await a.route({ ...REQ, user_id: 1 + i })
      await a.snapshotNow()
      expect((await a.resetQueues('tester')).cleared).toBeGreaterThan(0)
      const b = engine(store)
      abandoned.push(b)
      await b.start()
      expect(await expectRestoredEqualsCommitted(b, store)).toBe(0)
    })

    it('offers in flight at a crash come back and still expire', async () => {
      h ??= await open()
      const { store } = h
      await seeded(store)
      // Rows as a crashed node left them: one offer long past its timeout, one still live.
      const old = new Date(Date.now() - 3_600_000).toISOString()
      const now = new Date().toISOString()
      await store.commit({
        assignments: [
          { id: 'o-old', request_id: null, decision_id: 'd-old', user_id: 1, interviewer_id: 1, score: 1, state: 'offered', created_at: old, updated_at: old },
          { id: 'o-live', request_id: null, decision_id: 'd-live', user_id: 2, interviewer_id: 2, score: 1, state: 'offered', created_at: now, updated_at: now },
        ],
        transitions: [],
        decisions: [],
      })
      const b = new Engine({ config: testConfig({ SNAPSHOT_INTERVAL_S: '0', OFFER_TIMEOUT_S: '600' }), bus: new LocalBus(), store, log: silentLogger })
      abandoned.push(b)
      await b.start()
      const states = async (): Promise<Map<string, string>> => new Map((await store.openAssignments()).map((a) => [a.id, a.state]))
      for (let i = 0; i < 200 && (await states()).has('o-old'); i++) await new Promise((r) => setTimeout(r, 10))
      const left = await states()
      expect(left.has('o-old')).toBe(false)
      expect(left.get('o-live')).toBe('offered')
      expect((await b.stateOf(1))?.current_queue).toBe(0)
      expect((await b.stateOf(2))?.current_queue).toBe(1)
    })
  })
}

restoreSuite('PGlite', async () => ({ store: await createStore({ dataDir: 'memory://' }), drop: async () => {} }))

if (await hasPostgres()) {
  restoreSuite('Postgres', async () => {
    const db = await createTempDatabase('restore')
    return { store: await createStore({ databaseUrl: db.url, dataDir: '' }), drop: () => db.drop() }
  })
}
