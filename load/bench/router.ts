// Bench: decisions/s of the routing core without the gateway (in-process bus and NATS, 1k / 10k /
// 100k interviewers) and durable assignments/s with group commit on real Postgres next to the
// plain multi-row INSERT ceiling of the same database, measured in the same run.
// Runnable alone: `npx tsx load/bench/router.ts [--quick]` prints the section as JSON.
import postgres from 'postgres'
import { randomBytes, randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { tmpdir } from 'node:os'
import { LocalBus } from '../../actors/bus/local.ts'
import { NatsBus } from '../../actors/bus/nats.ts'
import type { Bus } from '../../actors/bus/types.ts'
import { Engine } from '../../actors/engine/engine.ts'
import type { AssignmentLog, CommitBatch, CommitResult, Directory, WeightsStore } from '../../actors/ports.ts'
import { FakeStore } from '../../actors/testing/fake-store.ts'
import { LANGS, population, TOPICS, testConfig, user } from '../../actors/testing/fixtures.ts'
import type { RouteRequest } from '../../client/protocol.ts'
import { silentLogger } from '../../server/log.ts'
import type { BenchContext, BenchSection } from './types.ts'

const SIZES = [1_000, 10_000, 100_000]
const CONCURRENCY = 512
const USERS = 1_000

type EngineStore = Directory & AssignmentLog & WeightsStore

/** Commits instantly and keeps nothing: the decision rate without a database. */
class InstantLog extends FakeStore {
  override async commit(_b: CommitBatch): Promise<CommitResult> {
    return { conflicts: [] }
  }
}

function requests(n: number): RouteRequest[] {
  return Array.from({ length: n }, (_, i) => ({
    user_id: (i % USERS) + 1,
    topics: i % 3 === 0 ? [TOPICS[i % TOPICS.length], TOPICS[(i + 3) % TOPICS.length]] : [TOPICS[i % TOPICS.length]],
    language: LANGS[i % LANGS.length],
    budget: 60 + (i % 5) * 10,
    sensitivity: i % 10 === 0,
    sla_min: 10_000,
  }))
}

/** Closed loop with `concurrency` routes in flight until `ms` has passed; returns decisions/s. */
async function drive(e: Engine, reqs: RouteRequest[], ms: number, concurrency = CONCURRENCY): Promise<{ rate: number; outcomes: Record<string, number>; errors: number }> {
  const outcomes: Record<string, number> = {}
  let errors = 0
  let n = 0
  let i = 0
  const t0 = performance.now()
  const until = t0 + ms
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const r = reqs[i++ % reqs.length]
        try {
          const out = await e.route(r)
          outcomes[out.status] = (outcomes[out.status] ?? 0) + 1
        } catch {
          errors++
        }
        n++
      }
    }),
  )
  return { rate: (n / (performance.now() - t0)) * 1000, outcomes, errors }
}

/** Interviewers with room for the whole run, so every size measures deciding, not refusing. */
function bigPopulation(n: number) {
  return population(n).map((iv) => ({ ...iv, concurrency: 50, capacity: 1_000_000, avg_duration_min: 1 }))
}

async function engineOn(bus: Bus, store: EngineStore, extra: Record<string, string> = {}): Promise<Engine> {
  const e = new Engine({
    config: testConfig({ NODE_ID: 'bench', SUBJECT_PREFIX: `bench_${randomBytes(4).toString('hex')}`, GATHER_DEADLINE_MS: '1000', MAX_INFLIGHT: '1000000', COMMIT_MAX_BATCH: '512', COMMIT_MAX_DELAY_MS: '2', ...extra }),
    bus,
    store,
    log: silentLogger,
  })
  await e.start()
  return e
}

async function decisionRate(ctx: BenchContext, kind: 'local' | 'nats', n: number, ms: number) {
  const store = new InstantLog({ users: Array.from({ length: USERS }, (_, i) => user(i + 1)), interviewers: bigPopulation(n) })
  const bus: Bus = kind === 'local' ? new LocalBus() : await NatsBus.connect({ url: ctx.natsUrl, name: 'bench-router' })
  const e = await engineOn(bus, store)
  try {
    const reqs = requests(4096)
    await drive(e, reqs, Math.min(1000, ms / 2))
    return await drive(e, reqs, ms)
  } finally {
    await e.stop()
    await bus.close()
  }
}

async function durable(ctx: BenchContext, ms: number) {
  const { createStore } = await import('../../server/store/index.ts')
  const name = `bench_router_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  const admin = postgres(ctx.databaseUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database "${name}"`)
  const u = new URL(ctx.databaseUrl)
  u.pathname = `/${name}`
  const store = await createStore({ databaseUrl: u.toString(), dataDir: tmpdir() })
  const sql = postgres(u.toString(), { max: 4, onnotice: () => {} })
  try {
    await store.migrate()
    await store.bulkLoad('users', [Array.from({ length: USERS }, (_, i) => user(i + 1))])
    await store.bulkLoad('interviewers', [bigPopulation(1_000)])
    const bus = new LocalBus()
    const e = await engineOn(bus, store)
    let ours
    try {
      await drive(e, requests(4096), 1000)
      ours = await drive(e, requests(4096), ms)
    } finally {
      await e.stop()
      await bus.close()
    }
    // The ceiling: plain multi-row INSERTs of assignment rows into a copy of the table without
    // constraints, 512 rows a statement, 4 connections, for the same time.
    await sql.unsafe('create table raw_assignments (like assignments including defaults)')
    const batch = 512
    let rows = 0
    const t0 = performance.now()
    const until = t0 + ms
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < until) {
          const now = new Date().toISOString()
          const values = Array.from({ length: batch }, (_, i) => ({
            id: randomUUID(), request_id: null, decision_id: randomUUID(), user_id: (i % USERS) + 1, interviewer_id: (i % 1000) + 1, score: 1.5, state: 'accepted', created_at: now, updated_at: now,
          }))
          await sql`insert into raw_assignments ${sql(values)}`
          rows += batch
        }
      }),
    )
    const raw = (rows / (performance.now() - t0)) * 1000
    return { ours, raw }
  } finally {
    await sql.end({ timeout: 1 })
    await store.close()
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {})
    await admin.end({ timeout: 1 })
  }
}

export default async function routerBench(ctx: BenchContext): Promise<BenchSection> {
  const ms = ctx.quick ? 1500 : 4000
  const rows: (string | number)[][] = []
  const series: { name: string; points: [number, number][] }[] = []
  const costs: Record<string, Record<number, number>> = { local: {}, nats: {} }
  for (const kind of ['local', 'nats'] as const) {
    const points: [number, number][] = []
    for (const n of SIZES) {
      ctx.progress(`${kind} bus, ${n} interviewers`)
      const r = await decisionRate(ctx, kind, n, ms)
      const cost = 1e6 / r.rate
      costs[kind][n] = cost
      points.push([n, Math.round(cost * 100) / 100])
      rows.push([kind === 'local' ? 'in-process' : 'NATS', n, Math.round(r.rate), Math.round(cost * 100) / 100, Object.entries(r.outcomes).map(([k, v]) => `${k} ${v}`).join(', ') + (r.errors ? `, errors ${r.errors}` : '')])
    }
    series.push({ name: kind === 'local' ? 'in-process bus' : 'NATS', points })
  }
  ctx.progress('durable assignments on Postgres')
  let durableRow: (string | number)[][] = []
  const ratios: BenchSection['ratios'] = [
    { label: 'decisions/s in-process at 10,000 interviewers vs the 100,000/s goal', ours: Math.round(1e6 / costs.local[10_000]), baseline: 100_000, unit: 'decisions/s', goal: { op: '>=', value: 1 } },
    { label: 'cost per decision at 100,000 interviewers vs at 1,000 (in-process)', ours: round(costs.local[100_000]), baseline: round(costs.local[1_000]), unit: 'µs', goal: { op: '<=', value: 2 } },
    { label: 'cost per decision at 100,000 interviewers vs at 1,000 (NATS)', ours: round(costs.nats[100_000]), baseline: round(costs.nats[1_000]), unit: 'µs', goal: { op: '<=', value: 2 } },
  ]
  const notes = [
    `Closed loop, ${CONCURRENCY} routes in flight, ${ms / 1000} s per row after a warm-up; one engine (router + shard host) in this process; the bench driver shares its event loop.`,
    'Decision rate uses an AssignmentLog that commits instantly (no database); interviewers have room for the whole run so every size measures deciding, not refusing.',
    'A shard host scores at most 64 candidates per request (rotating through the language+topic buckets the hard filters allow; exhaustive below that), so cost per decision does not grow with the number of interviewers.',
  ]
  try {
    const d = await durable(ctx, ms)
    durableRow = [
      ['group commit (engine.route, Postgres store)', Math.round(d.ours.rate), Object.entries(d.ours.outcomes).map(([k, v]) => `${k} ${v}`).join(', ') + (d.ours.errors ? `, errors ${d.ours.errors}` : '')],
      ['plain multi-row INSERT ceiling (512 rows/statement, 4 connections)', Math.round(d.raw), 'assignment rows only'],
    ]
    ratios.push({ label: 'durable assignments/s (group commit) vs plain multi-row INSERT rows/s, same Postgres, same run', ours: Math.round(d.ours.rate), baseline: Math.round(d.raw), unit: '/s', goal: { op: '>=', value: 0.5 } })
    notes.push('Durable: each assignment is acknowledged only after its assignment row and its decision row (with all bids as jsonb) are committed; COMMIT_MAX_BATCH=512, COMMIT_MAX_DELAY_MS=2. The ceiling writes assignment rows only, without constraints.')
  } catch (err) {
    notes.push(`Durable part not measured: ${err instanceof Error ? err.message : String(err)}`)
  }
  return {
    id: 'router',
    title: 'Routing core: decisions/s and durable assignments/s',
    command: 'npx tsx load/bench/router.ts',
    tables: [
      { title: 'Decisions/s of the router without the gateway', columns: ['bus', 'interviewers', 'decisions/s', 'µs / decision', 'outcomes'], rows },
      { title: 'Durable assignments/s on real Postgres', columns: ['path', 'per second', 'notes'], rows: durableRow },
    ],
    plots: [{ id: 'router-cost', title: 'Cost per decision vs interviewers', x_label: 'interviewers', y_label: 'µs per decision', kind: 'line', log_x: true, series }],
    ratios,
    notes,
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick')
  const section = await routerBench({
    quick,
    progress: (m) => process.stderr.write(`[router] ${m}\n`),
    tmpDir: tmpdir(),
    databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    natsUrl: process.env.NATS_URL || 'nats://127.0.0.1:4222',
  })
  process.stdout.write(`${JSON.stringify(section, null, 2)}\n`)
}
