// Migrations that rewrite stored data, checked on rows written in the old format, on PGlite and on
// real Postgres (under CI it must be reachable).
import { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import type { DecisionRecord } from '../../../actors/ports.ts'
import { createTempDatabase, hasPostgres } from '../../../test/helpers/services.ts'
import type { Db, Queryer, Row } from '../db.ts'
import { migrate } from '../migrate.ts'
import { toDecision } from '../rows.ts'
import { MIGRATIONS } from './index.ts'

/** A raw Db over PGlite in this thread or a postgres.js pool: the migration runner's only needs. */
function pgliteDb(pg: PGlite): Db {
  const q = (c: Pick<PGlite, 'query' | 'exec'>): Queryer => ({
    query: async <T extends Row>(text: string, params: readonly unknown[] = []) => (await c.query<T>(text, [...params])).rows,
    exec: async (text: string) => {
      await c.exec(text)
    },
  })
  const base = q(pg)
  return { ...base, queryPrepared: base.query, transaction: (fn) => pg.transaction((tx) => fn(q(tx))), close: () => pg.close() }
}
function postgresDb(sql: postgres.Sql): Db {
  const q = (c: postgres.Sql | postgres.TransactionSql): Queryer => ({
    query: async <T extends Row>(text: string, params: readonly unknown[] = []) => (await c.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as T[],
    exec: async (text: string) => {
      await c.unsafe(text)
    },
  })
  const base = q(sql)
  return { ...base, queryPrepared: base.query, transaction: async (fn) => (await sql.begin((tx) => fn(q(tx)))) as never, close: () => sql.end({ timeout: 2 }) }
}

const backends: { name: string; open(): Promise<{ db: Db; dispose(): Promise<void> }> }[] = [
  {
    name: 'pglite',
    open: async () => {
      const db = pgliteDb(new PGlite())
      return { db, dispose: () => db.close() }
    },
  },
]
if (await hasPostgres()) {
  backends.push({
    name: 'postgres',
    async open() {
      const t = await createTempDatabase('migrations')
      const db = postgresDb(postgres(t.url, { onnotice: () => {} }))
      return {
        db,
        dispose: async () => {
          await db.close()
          await t.drop()
        },
      }
    },
  })
}

/** A decision as migrations 001–003 stored it: verbose bids, jsonb columns. */
const before: DecisionRecord = {
  type: 'decision',
  decision_id: 'd1',
  request_id: 'r1',
  user_id: 42,
  status: 'assigned',
  interviewer_id: 9,
  score: 2.81,
  weights_version: 3,
  bids: [
    { interviewer_id: 9, score: 2.81, factors: { topic: 1, experience: 0.6667, cost: 0.84, load: 1, fairness: 1, quality: 0.6798 }, queue_depth: 0, estimated_start_min: 0, source: 'local' },
    { interviewer_id: 24, score: 2.79, factors: { topic: 0.5, experience: 1, cost: 0.5333, load: 0.75, fairness: 0.25, quality: 0.5574 }, queue_depth: 2, estimated_start_min: 30, source: 'remote' },
  ],
  skipped_hosts: ['h2'],
  latency_us: 6170,
  node_id: 'vm-1',
  at: '2026-12-01T22:59:06.459Z',
  request: { user_id: 42, topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 30, request_id: 'r1' },
  result: { status: 'assigned', user_id: 42, interviewer_id: 9, score: 2.81, current_queue: 1, assignment_id: 'a1', decision_id: 'd1', request_id: 'r1' },
  assignment_id: 'a1',
}

for (const backend of backends) {
  describe(`migrations on ${backend.name}`, () => {
    const open: (() => Promise<void>)[] = []
    afterAll(async () => {
      for (const d of open) await d()
    })

    it('004 converts stored decisions to the compact format, and they read back unchanged', async () => {
      const { db, dispose } = await backend.open()
      open.push(dispose)
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 3),
      )
      const j = (v: unknown): string => JSON.stringify(v)
      await db.query(
        `insert into decisions (id, request_id, user_id, status, interviewer_id, score, weights_version, bids, skipped_hosts,
          latency_us, node_id, at, request, result, assignment_id)
        values ('d1', 'r1', 42, 'assigned', 9, 2.81, 3, $1::text::jsonb, $2::text::jsonb, 6170, 'vm-1', '2026-12-01T22:59:06.459Z',
          $3::text::jsonb, $4::text::jsonb, 'a1'),
        ('d2', null, 7, 'no_candidates', null, null, 3, '[]', '[]', 80, 'vm-1', '2026-12-01T22:59:07Z',
          '{"user_id":7,"topics":[],"language":"Klingon","budget":1,"sensitivity":false,"sla_min":1}',
          '{"status":"no_candidates","user_id":7,"message":"no interviewer passes the hard filters"}', null)`,
        [j(before.bids), j(before.skipped_hosts), j(before.request), j(before.result)],
      )

      expect(
        await migrate(
          db,
          MIGRATIONS.filter((m) => m.version <= 4),
        ),
      ).toEqual({ applied: ['004_compact_decisions'] })
      const rows = await db.query('select * from decisions order by id')
      expect(toDecision(rows[0])).toEqual(before)
      expect(JSON.parse(String(rows[0].bids))).toEqual([
        [9, 2.81, 0, 0, 0, 1, 0.6667, 0.84, 1, 1, 0.6798],
        [24, 2.79, 2, 30, 1, 0.5, 1, 0.5333, 0.75, 0.25, 0.5574],
      ])
      expect(toDecision(rows[1])).toMatchObject({ decision_id: 'd2', request_id: null, bids: [], skipped_hosts: [], request: { language: 'Klingon' }, result: { status: 'no_candidates' } })
    })

    it('006 gives history ids an identity past the rows already stored', async () => {
      const { db, dispose } = await backend.open()
      open.push(dispose)
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 4),
      )
      await db.query(`insert into interviews (id, user_id, interviewer_id, outcome, duration_min, rating, topic, transcript, started_at)
        values (41, 1, 2, 'completed', 30, 5, 'FinTech', 't', now()), (42, 1, 3, 'no_show', 0, null, 'pricing', 't', now())`)
      await migrate(db)
      const [r] = await db.query(`insert into interviews (user_id, interviewer_id, outcome, duration_min, topic, transcript, started_at, assignment_id)
        values (1, 2, 'abandoned', 3, 'x', '', now(), 'a1') returning id`)
      expect(Number(r.id)).toBe(43)
    })
  })
}
