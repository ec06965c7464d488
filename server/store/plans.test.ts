// Plans of the hot statements on real Postgres, on tables of realistic size whose statistics are stale
// (analyzed while empty, then filled without ANALYZE, as with autovacuum off), each planned the way a
// driver's prepared statement may end up: a generic plan (force_generic_plan, PREPARE, EXPLAIN EXECUTE).
// Every statement must reach the big tables through an index, never a sequential scan.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Assignment } from '../../actors/model/types.ts'
import type { DecisionRecord } from '../../actors/ports.ts'
import { createTempDatabase, hasPostgres, type TempDatabase } from '../../test/helpers/services.ts'
import type { Logger } from '../log.ts'
import type { Db, Queryer, Row } from './db.ts'
import { createPostgresStore } from './postgres.ts'
import { SqlStore } from './sql-store.ts'

const ROWS = 200_000
const BIG = ['assignments', 'decisions', 'users', 'snapshot_runs']

const literal = (v: unknown): string => (v === null || v === undefined ? 'null' : `'${String(v).replace(/'/g, "''")}'`)

/** A Db that runs nothing: it plans each statement as a generic prepared statement and records its EXPLAIN. */
function explainingDb(sql: postgres.Sql, plans: { text: string; plan: string }[]): Db {
  let n = 0
  const q: Queryer = {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const name = `s${++n}`
      await sql.unsafe(`prepare ${name} as ${text}`)
      const rows = await sql.unsafe(`explain execute ${name}${params.length ? `(${params.map(literal).join(', ')})` : ''}`)
      plans.push({ text, plan: rows.map((r) => r['QUERY PLAN']).join('\n') })
      await sql.unsafe(`deallocate ${name}`)
      return []
    },
    async exec(): Promise<void> {},
  }
  return { ...q, queryPrepared: q.query, transaction: (fn) => fn(q), close: async () => {} }
}

const pg = await hasPostgres()

describe.skipIf(!pg)('hot statements on Postgres with stale statistics', () => {
  let t: TempDatabase
  let sql: postgres.Sql
  const plans: { text: string; plan: string }[] = []
  let store: SqlStore

  beforeAll(async () => {
    t = await createTempDatabase('plans')
    const real = await createPostgresStore({ url: t.url })
    await real.migrate()
    await real.close()
    sql = postgres(t.url, { max: 1, onnotice: () => {} })
    await sql.unsafe('analyze')
    // Realistic shape: most assignments closed long ago, a few open; one decision per assignment.
    await sql.unsafe(`insert into assignments select 'a' || g, 'r' || g, 'd' || g, g % 50000, g % 1000, 1,
      case when g % 100 = 0 then 'offered' else 'completed' end, now() - (${ROWS} - g) * interval '1 s', now() - (${ROWS} - g) * interval '1 s'
      from generate_series(1, ${ROWS}) g`)
    await sql.unsafe(`insert into decisions (id, request_id, user_id, status, interviewer_id, score, weights_version, bids, skipped_hosts,
      latency_us, node_id, at, request, result, assignment_id) select 'd' || g, 'r' || g, g % 50000, 'assigned', g % 1000, 1, 1, '[]', '[]', 100, 'n1',
      now() - (${ROWS} - g) * interval '1 s', '{}', '{}', 'a' || g from generate_series(1, ${ROWS}) g`)
    await sql.unsafe(`insert into users select g, 'U ' || g, g || '@x', '30-39', 'NL', 'UTC', 'bsc', 'it', 'mid', '{English}', null, '{}', now()
      from generate_series(1, ${ROWS / 4}) g`)
    await sql.unsafe(`insert into snapshot_runs (node_id, shard_index, shard_count, reason, interviewers, open_assignments, watermark)
      select 'n1', g % 4, 4, 'periodic', 10, 1, now() from generate_series(1, ${ROWS / 4}) g`)
    await sql.unsafe('set plan_cache_mode = force_generic_plan')
    store = new SqlStore('postgres', 'test', explainingDb(sql, plans), async () => 0)

    const at = new Date().toISOString()
    const a: Assignment = { id: 'new1', request_id: 'rq', decision_id: 'dn', user_id: 1, interviewer_id: 2, score: 1, state: 'offered', created_at: at, updated_at: at }
    const d = {
      type: 'decision',
      decision_id: 'dn',
      request_id: 'rq',
      user_id: 1,
      status: 'assigned',
      interviewer_id: 2,
      score: 1,
      weights_version: 1,
      bids: [],
      skipped_hosts: [],
      latency_us: 1,
      node_id: 'n1',
      at,
      request: {},
      result: {},
      assignment_id: 'new1',
    } as unknown as DecisionRecord
    const done = { id: 'a100', state: 'completed' as const, at }
    // Every commit shape: routes, completions alone, and both in one batch.
    await store.commit({ decisions: [d], assignments: [a], transitions: [] })
    await store.commit({ decisions: [], assignments: [], transitions: [done] })
    await store.commit({ decisions: [d], assignments: [a], transitions: [done, { id: 'new1', state: 'accepted', at }] })
    await store.getUser(42)
    await store.findDecisionByRequestId('r5')
    await store.getDecision('d5')
    await store.openAssignments()
    await store.openAssignmentsOf([1, 2, 3])
    await store.assignmentsChangedSince(at)
    await store.latestSnapshotRun(1, 4)
    await store.cancelOpenAssignments('op', 'test')
  }, 120_000)

  afterAll(async () => {
    await sql?.end({ timeout: 1 })
    await t?.drop()
  })

  it('plans every hot statement', () => {
    expect(plans.length).toBeGreaterThanOrEqual(12)
  })

  it('reads no big table with a sequential scan', () => {
    const scans = plans.filter((p) => BIG.some((table) => new RegExp(`Seq Scan on ${table}\\b`).test(p.plan)))
    expect(scans.map((s) => `${s.text}\n${s.plan}`)).toEqual([])
  })

  it('a closed-range lookup of recent changes uses the updated_at index', () => {
    const changed = plans.find((p) => p.text.includes('updated_at >='))
    expect(changed?.plan).toMatch(/assignments_updated_idx/)
  })
})

describe.skipIf(!pg)('statistics upkeep on Postgres', () => {
  it('warns at start-up when autovacuum is off, and analyzes the tables a load left stale', async () => {
    const t = await createTempDatabase('stats')
    const warnings: string[] = []
    const log = { warn: (msg: string) => warnings.push(msg), debug() {}, info() {}, error() {} } as unknown as Logger
    const store = await createPostgresStore({ url: t.url, log })
    try {
      await store.migrate()
      const sql = postgres(t.url, { max: 1, onnotice: () => {} })
      try {
        const [{ autovacuum }] = await sql.unsafe<{ autovacuum: string }[]>('show autovacuum')
        expect(warnings.some((w) => /autovacuum is OFF/.test(w))).toBe(autovacuum !== 'on')
        await sql.unsafe(`insert into assignments select 'a' || g, null, 'd' || g, 1, 1, 1, 'completed', now(), now() from generate_series(1, 5000) g`)
        // A backend reports its row counts to the statistics system within about a second.
        for (let i = 0; i < 50; i++) {
          const [{ m }] = await sql.unsafe<{ m: number }[]>(`select n_mod_since_analyze::int as m from pg_stat_user_tables where relname = 'assignments'`)
          if (m >= 5000) break
          await new Promise((r) => setTimeout(r, 100))
        }
        expect(await store.analyzeStale()).toEqual(['assignments'])
        const [{ n }] = await sql.unsafe<{ n: number }[]>(`select reltuples::int as n from pg_class where relname = 'assignments'`)
        expect(n).toBe(5000)
        expect(await store.analyzeStale()).toEqual([])
      } finally {
        await sql.end({ timeout: 1 })
      }
    } finally {
      await store.close()
      await t.drop()
    }
  })
})

describe.skipIf(!pg)('commit plans as a fresh database grows', () => {
  it('commits made while the tables were tiny leave no plan that scans assignments once they are big', async () => {
    const t = await createTempDatabase('growth')
    const store = await createPostgresStore({ url: t.url, max: 1 })
    const sql = postgres(t.url, { max: 1, onnotice: () => {} })
    const seqScans = async (): Promise<number> => {
      const [{ n }] = await sql.unsafe<{ n: number }[]>(`select seq_scan::int as n from pg_stat_user_tables where relname = 'assignments'`)
      return n
    }
    try {
      await store.migrate()
      const at = new Date().toISOString()
      let n = 0
      const route = (): { assignments: Assignment[]; decisions: DecisionRecord[]; transitions: { id: string; state: 'completed'; at: string }[] } => {
        const i = ++n
        const a: Assignment = { id: `g${i}`, request_id: null, decision_id: `gd${i}`, user_id: 1, interviewer_id: 1, score: 1, state: 'offered', created_at: at, updated_at: at }
        return { assignments: [a], decisions: [], transitions: i > 1 ? [{ id: `g${i - 1}`, state: 'completed', at }] : [] }
      }
      // More runs than Postgres's five custom plans before it may settle on a generic one.
      for (let i = 0; i < 20; i++) await store.commit(route())
      await sql.unsafe(`insert into assignments select 'b' || g, null, 'bd' || g, 1, 1, 1, 'completed', now(), now() from generate_series(1, ${ROWS}) g`)
      // An idle backend reports its counters to the statistics system after up to 10 s.
      await new Promise((r) => setTimeout(r, 11_000))
      const before = await seqScans()
      for (let i = 0; i < 20; i++) await store.commit(route())
      await new Promise((r) => setTimeout(r, 11_000))
      expect((await seqScans()) - before).toBe(0)
    } finally {
      await sql.end({ timeout: 1 })
      await store.close()
      await t.drop()
    }
  }, 60_000)
})
