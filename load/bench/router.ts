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
import type { AssignmentLog, CommitBatch, CommitResult, DecisionRecord, Directory, HeldLog, WeightsStore } from '../../actors/ports.ts'
import type { Bid } from '../../client/model.ts'
import type { Assignment } from '../../actors/model/types.ts'
import { GroupCommitter } from '../../actors/commit/committer.ts'
import { FakeStore } from '../../actors/testing/fake-store.ts'
import { LANGS, population, TOPICS, testConfig, user } from '../../actors/testing/fixtures.ts'
import type { RouteRequest, RouteResult } from '../../client/protocol.ts'
import { silentLogger } from '../../server/log.ts'
import { storedBids } from '../../server/store/rows.ts'
import type { BenchContext, BenchSection } from './types.ts'

const SIZES = [1_000, 10_000, 100_000]
const CONCURRENCY = 512
const USERS = 1_000

type EngineStore = Directory & AssignmentLog & WeightsStore & HeldLog

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

/**
 * Closed loop with `concurrency` routes in flight until `ms` has passed; returns decisions/s. Each
 * lane starts its next route from the previous one's callback (no async function per lane): the
 * driver shares the engine's event loop, so its own cost is kept to a callback per route.
 */
function drive(e: Engine, reqs: RouteRequest[], ms: number, concurrency = CONCURRENCY): Promise<{ rate: number; outcomes: Record<string, number>; errors: number }> {
  const outcomes: Record<string, number> = {}
  let errors = 0
  let n = 0
  let i = 0
  let lanes = concurrency
  const t0 = performance.now()
  const until = t0 + ms
  return new Promise((resolve) => {
    const next = (): void => {
      if (performance.now() >= until) {
        if (--lanes === 0) resolve({ rate: (n / (performance.now() - t0)) * 1000, outcomes, errors })
        return
      }
      e.route(reqs[i++ % reqs.length]).then(ok, fail)
    }
    const ok = (out: RouteResult): void => {
      outcomes[out.status] = (outcomes[out.status] ?? 0) + 1
      n++
      next()
    }
    const fail = (): void => {
      errors++
      n++
      next()
    }
    for (let l = 0; l < concurrency; l++) next()
  })
}

/** Interviewers with room for the whole run, so every size measures deciding, not refusing. */
function bigPopulation(n: number) {
  return population(n).map((iv) => ({ ...iv, concurrency: 50, capacity: 1_000_000, avg_duration_min: 1 }))
}

async function engineOn(bus: Bus, store: EngineStore, extra: Record<string, string> = {}): Promise<Engine> {
  const e = new Engine({
    config: testConfig({
      NODE_ID: 'bench',
      SUBJECT_PREFIX: `bench_${randomBytes(4).toString('hex')}`,
      GATHER_DEADLINE_MS: '1000',
      MAX_INFLIGHT: '1000000',
      COMMIT_MAX_BATCH: '512',
      COMMIT_MAX_DELAY_MS: '2',
      ...extra,
    }),
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
    await drive(e, reqs, 1000)
    // Best of three windows: other load on the machine only ever slows a CPU-bound loop down, so
    // the fastest window is the closest to what the code itself costs.
    let best = await drive(e, reqs, ms / 3)
    for (let i = 0; i < 2; i++) {
      const r = await drive(e, reqs, ms / 3)
      if (r.rate > best.rate) best = r
    }
    return best
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
    let ours: Awaited<ReturnType<typeof drive>>
    try {
      await drive(e, requests(4096), 1000)
      ours = await drive(e, requests(4096), ms)
    } finally {
      await e.stop()
      await bus.close()
    }
    // Group commit alone: prebuilt assignment + decision pairs through the GroupCommitter into
    // the store, many in flight, so the figure is the commit path's, not the router's.
    const items = Array.from({ length: 4096 }, (_, i) => pair(i))
    const committer = new GroupCommitter({ log: store, maxBatch: 512, maxDelayMs: 2 })
    let committed = 0
    let k = 0
    const c0 = performance.now()
    const cUntil = c0 + ms
    await Promise.all(
      Array.from({ length: 2048 }, async () => {
        while (performance.now() < cUntil) {
          const it = fresh(items[k++ % items.length])
          await committer.add({ assignments: [it.a], decisions: [it.d] })
          committed++
        }
      }),
    )
    const grouped = (committed / (performance.now() - c0)) * 1000
    // The ceiling: plain multi-row INSERTs of the same rows (an assignment and its decision) into
    // copies of the tables without constraints, 512 pairs a transaction, 4 connections, same time.
    await sql.unsafe('create table raw_assignments (like assignments including defaults)')
    await sql.unsafe('create table raw_decisions (like decisions including defaults)')
    const batch = 512
    let rows = 0
    const t0 = performance.now()
    const until = t0 + ms
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < until) {
          const pairs = Array.from({ length: batch }, () => fresh(items[k++ % items.length]))
          await sql.begin(async (tx) => {
            await tx`insert into raw_decisions ${tx(pairs.map((p) => decisionRow(p.d)))}`
            await tx`insert into raw_assignments ${tx(pairs.map((p) => p.a))}`
          })
          rows += batch
        }
      }),
    )
    const raw = (rows / (performance.now() - t0)) * 1000
    return { ours, grouped, raw }
  } finally {
    await sql.end({ timeout: 1 })
    await store.close()
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {})
    await admin.end({ timeout: 1 })
  }
}

export default async function routerBench(ctx: BenchContext): Promise<BenchSection> {
  const ms = ctx.quick ? 1500 : 6000
  const rows: (string | number)[][] = []
  const series: { name: string; points: [number, number][] }[] = []
  const costs: Record<string, Record<number, number>> = { local: {}, nats: {} }
  // The first measurement in a process pays for JIT compilation; warm the whole path up once.
  ctx.progress('warm-up')
  await decisionRate(ctx, 'local', 1_000, ms)
  for (const kind of ['local', 'nats'] as const) {
    const points: [number, number][] = []
    for (const n of SIZES) {
      ctx.progress(`${kind} bus, ${n} interviewers`)
      const r = await decisionRate(ctx, kind, n, ms)
      const cost = 1e6 / r.rate
      costs[kind][n] = cost
      points.push([n, Math.round(cost * 100) / 100])
      rows.push([
        kind === 'local' ? 'in-process' : 'NATS',
        n,
        Math.round(r.rate),
        Math.round(cost * 100) / 100,
        Object.entries(r.outcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') + (r.errors ? `, errors ${r.errors}` : ''),
      ])
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
    `Closed loop, ${CONCURRENCY} routes in flight, best of three ${ms / 3000} s windows per row after a 1 s warm-up (and one discarded warm-up row for the JIT); one engine (router + shard host) in this process; the bench driver shares its event loop, and the machine's other load shares its cores.`,
    'Decision rate uses an AssignmentLog that commits instantly (no database); interviewers have room for the whole run so every size measures deciding, not refusing.',
    'A shard host scores at most 64 candidates per request (rotating through the language+topic buckets the hard filters allow; exhaustive below that), so cost per decision does not grow with the number of interviewers.',
  ]
  try {
    const d = await durable(ctx, ms)
    durableRow = [
      [
        'group commit (engine.route, Postgres store)',
        Math.round(d.ours.rate),
        Object.entries(d.ours.outcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') + (d.ours.errors ? `, errors ${d.ours.errors}` : ''),
      ],
      ['group commit alone (GroupCommitter → store.commit, 2,048 in flight)', Math.round(d.grouped), 'assignment + decision per item'],
      ['plain multi-row INSERT ceiling (512 pairs / transaction, 4 connections)', Math.round(d.raw), 'same rows, tables without constraints'],
    ]
    ratios.push({
      label: 'durable assignments/s with group commit vs plain multi-row INSERT of the same rows, same Postgres, same run',
      ours: Math.round(d.grouped),
      baseline: Math.round(d.raw),
      unit: 'assignments/s',
      goal: { op: '>=', value: 0.5 },
    })
    notes.push(
      'Durable: an assignment is acknowledged only after its assignment row and its decision row (all bids with their factors, as the decisions table stores them) are committed; COMMIT_MAX_BATCH=512, COMMIT_MAX_DELAY_MS=2. The first row is the whole route path on Postgres (bounded by the router rate above); the second isolates the commit path; the ceiling inserts the same rows, in the same stored format, with postgres.js multi-row INSERTs into unconstrained copies of the tables.',
    )
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

/** A prebuilt assignment and its decision, as the engine commits them. */
function pair(i: number): { a: Assignment; d: DecisionRecord } {
  const bids: Bid[] = [1, 2, 3, 4].map((j) => ({
    interviewer_id: ((i + j) % 1000) + 1,
    score: 2 - j / 10,
    factors: { topic: 1, experience: 0.67, cost: 0.4, load: 0.9, fairness: 1, quality: 0.7 },
    queue_depth: j,
    estimated_start_min: 0,
    source: 'local',
  }))
  const req: RouteRequest = requests(1)[0]
  const at = new Date().toISOString()
  const a: Assignment = { id: '', request_id: null, decision_id: '', user_id: (i % USERS) + 1, interviewer_id: (i % 1000) + 1, score: 1.9, state: 'active', created_at: at, updated_at: at }
  const result = { status: 'assigned' as const, user_id: a.user_id, interviewer_id: a.interviewer_id, score: 1.9, current_queue: 1, queue_position: 0, estimated_start_min: 0 }
  const d: DecisionRecord = {
    type: 'decision',
    decision_id: '',
    request_id: null,
    user_id: a.user_id,
    status: 'assigned',
    interviewer_id: a.interviewer_id,
    score: 1.9,
    weights_version: 1,
    bids,
    skipped_hosts: [],
    latency_us: 100,
    node_id: 'bench',
    at,
    request: req,
    result,
    assignment_id: null,
  }
  return { a, d }
}

/** Fresh ids for a prebuilt pair. */
function fresh(p: { a: Assignment; d: DecisionRecord }): { a: Assignment; d: DecisionRecord } {
  const id = randomUUID()
  const did = randomUUID()
  return { a: { ...p.a, id, decision_id: did }, d: { ...p.d, decision_id: did, assignment_id: id, result: { ...p.d.result, assignment_id: id, decision_id: did } } }
}

/** A decision as a row of the decisions table. */
function decisionRow(d: DecisionRecord): Record<string, string | number | null> {
  return {
    id: d.decision_id,
    request_id: d.request_id,
    user_id: d.user_id,
    status: d.status,
    interviewer_id: d.interviewer_id,
    score: d.score,
    weights_version: d.weights_version,
    bids: storedBids(d.bids),
    skipped_hosts: JSON.stringify(d.skipped_hosts),
    latency_us: d.latency_us,
    node_id: d.node_id,
    at: d.at,
    request: JSON.stringify(d.request),
    result: JSON.stringify(d.result),
    assignment_id: d.assignment_id,
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
