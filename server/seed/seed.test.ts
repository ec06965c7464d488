// Seeding into real databases: same seed → identical table contents (checksums computed in SQL), on
// Postgres and on PGlite alike; a different seed → different contents; the summary matches the rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTempDatabase, hasPostgres, type TempDatabase } from '../../test/helpers/services.ts'
import { createStore, type Store } from '../store/index.ts'
import { seedDatabase, seedIfEmpty, userRanges, DEMO_SIZES } from './index.ts'
import { silentLogger } from '../log.ts'

const SIZES = { users: 400, interviewers: 30, historyPerUser: 3 }
const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

async function pgStore(): Promise<Store> {
  const db: TempDatabase = await createTempDatabase('seed')
  const store = await createStore({ databaseUrl: db.url, dataDir: 'unused' })
  cleanups.push(async () => {
    await store.close()
    await db.drop()
  })
  await store.migrate()
  return store
}
async function pgliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'seed-test-'))
  const store = await createStore({ dataDir: dir })
  cleanups.push(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  await store.migrate()
  return store
}

const pg = await hasPostgres()
const checks: Record<string, Record<string, string>> = {}

describe.runIf(pg)('seeding real Postgres', () => {
  it('two fresh databases seeded with the same seed hold identical tables', async () => {
    const [a, b] = await Promise.all([pgStore(), pgStore()])
    // One on the generator worker, one in-process: both paths must write the same rows.
    const sa = await seedDatabase(a, { ...SIZES, seed: 5 }, undefined, { worker: true })
    await seedDatabase(b, { ...SIZES, seed: 5 }, undefined, { worker: false })
    checks.pg = await a.checksums()
    expect(await b.checksums()).toEqual(checks.pg)
    expect(await a.counts()).toMatchObject({ users: 400, interviewers: 30, interviews: sa.counts.interviews })
  }, 60_000)

  it('a different seed gives different tables', async () => {
    const c = await pgStore()
    await seedDatabase(c, { ...SIZES, seed: 6 })
    const other = await c.checksums()
    for (const t of ['users', 'interviewers', 'interviews'] as const) expect(other[t]).not.toBe(checks.pg[t])
  }, 60_000)
})

describe('seeding embedded PGlite', () => {
  it('gives the same tables as every other run with that seed, Postgres included', async () => {
    const s = await pgliteStore()
    const progress: number[] = []
    const summary = await seedDatabase(s, { ...SIZES, seed: 5 }, (p) => progress.push(p.rows))
    const sums = await s.checksums()
    if (checks.pg) expect(sums).toEqual(checks.pg)
    expect(progress.at(-1)).toBe(summary.counts.users + summary.counts.interviewers + summary.counts.interviews)
    expect(summary.counts).toEqual({ users: 400, interviewers: 30, interviews: (await s.counts()).interviews })
    expect(Object.values(summary.outcomes).reduce((a, b) => a + b, 0)).toBe(summary.counts.interviews)
    await s.reset()
    await seedDatabase(s, { ...SIZES, seed: 5 })
    expect(await s.checksums()).toEqual(sums)
  }, 60_000)

  it('seedIfEmpty seeds the demo dataset once', async () => {
    const s = await pgliteStore()
    const first = await seedIfEmpty(s, silentLogger)
    expect(first?.counts).toMatchObject({ users: DEMO_SIZES.users, interviewers: DEMO_SIZES.interviewers })
    expect(await s.getUser(42)).not.toBeNull()
    expect(await seedIfEmpty(s, silentLogger)).toBeNull()
    expect((await s.counts()).users).toBe(DEMO_SIZES.users)
  }, 90_000)
})

describe('history parts', () => {
  it('split the users into consecutive ranges covering each id once', () => {
    expect(userRanges(200_000, 2)).toEqual([
      { from: 1, to: 100_000 },
      { from: 100_001, to: 200_000 },
    ])
    expect(userRanges(5, 2)).toEqual([
      { from: 1, to: 3 },
      { from: 4, to: 5 },
    ])
    expect(userRanges(1, 2)).toEqual([{ from: 1, to: 1 }])
    expect(userRanges(0, 2)).toEqual([])
  })
})
