// Bench: start-up restore time on real Postgres at 10,000 and 100,000 interviewers (100,000 and
// 1,000,000 assignment rows), from rows alone and from snapshots + replay; and durable routing
// throughput with snapshots every second vs off, alternated in the same run.
// Alone: `npx tsx load/bench/restore.ts [--quick]` (BENCH_DATABASE_URL overrides the admin URL).
import { randomBytes } from 'node:crypto'
import { loadavg, tmpdir } from 'node:os'
import { pathToFileURL } from 'node:url'
import postgres from 'postgres'
import { LocalBus } from '../../actors/bus/local.ts'
import { Engine } from '../../actors/engine/engine.ts'
import { population, testConfig, user, TOPICS } from '../../actors/testing/fixtures.ts'
import type { RouteRequest } from '../../client/protocol.ts'
import { silentLogger } from '../../server/log.ts'
import { createStore } from '../../server/store/index.ts'
import type { Store } from '../../server/store/types.ts'
import type { BenchContext, BenchSection } from './types.ts'

interface Size {
  interviewers: number
  assignments: number
}
interface RestoreRow extends Size {
  open: number
  rows_s: number
  rows_q_s: number
  snapshot_write_s: number
  changed: number
  snapshot_s: number
  snapshot_q_s: number
  restored_equal: boolean
}

async function withDatabase<T>(adminUrl: string, fn: (url: string, store: Store) => Promise<T>): Promise<T> {
  const name = `bench_restore_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database "${name}"`)
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  const store = await createStore({ databaseUrl: u.toString(), dataDir: tmpdir() })
  try {
    await store.migrate()
    return await fn(u.toString(), store)
  } finally {
    await store.close()
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {})
    await admin.end({ timeout: 1 })
  }
}

const engine = (store: Store, extra: Record<string, string> = {}): Engine =>
  new Engine({
    config: testConfig({ NODE_ID: 'bench', SUBJECT_PREFIX: `bench_${randomBytes(4).toString('hex')}`, SNAPSHOT_INTERVAL_S: '0', MAX_INFLIGHT: '1000000', ...extra }),
    bus: new LocalBus(),
    store,
    log: silentLogger,
  })

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now()
  const r = await fn()
  return [r, (performance.now() - t0) / 1000]
}

/** One size: rows-only restore, snapshot write, churn after it, snapshot + replay restore, equality check. */
async function restoreCase(ctx: BenchContext, s: Size): Promise<RestoreRow> {
  return withDatabase(ctx.databaseUrl, async (url, store) => {
    ctx.progress(`${s.interviewers} interviewers: seeding ${s.assignments} assignments`)
    await store.bulkLoad('interviewers', [population(s.interviewers)])
    const sql = postgres(url, { max: 1, onnotice: () => {} })
    const open = s.interviewers * 2
    try {
      // Two open assignments per interviewer, the rest history; all an hour old.
      await sql.unsafe(`insert into assignments (id, request_id, decision_id, user_id, interviewer_id, score, state, created_at, updated_at)
        select 'a' || g, null, 'd' || g, 1 + g % 1000, 1 + g % ${s.interviewers}, 1.0,
          case when g < ${open} then 'accepted' else 'completed' end,
          now() - interval '1 hour' + g * interval '1 microsecond', now() - interval '1 hour' + g * interval '1 microsecond'
        from generate_series(0, ${s.assignments - 1}) g`)
      await sql.unsafe('analyze assignments')
      ctx.progress(`${s.interviewers} interviewers: restore from rows`)
      const a = engine(store)
      const [, rowsS] = await timed(() => a.start())
      const rowsQ = (a.durability.restore?.ms ?? 0) / 1000
      const [, writeS] = await timed(() => a.snapshotNow('bench'))
      await a.stop()
      // Churn after the snapshot: 1% of the open assignments complete, as many new ones arrive.
      const changed = Math.max(1, Math.floor(open / 100))
      await sql.unsafe(`update assignments set state = 'completed', updated_at = now() where id in (select 'a' || g from generate_series(0, ${changed - 1}) g)`)
      await sql.unsafe(`insert into assignments (id, request_id, decision_id, user_id, interviewer_id, score, state, created_at, updated_at)
        select 'n' || g, null, 'dn' || g, 1, 1 + g % ${s.interviewers}, 1.0, 'accepted', now(), now() from generate_series(0, ${changed - 1}) g`)
      ctx.progress(`${s.interviewers} interviewers: restore from snapshots + replay`)
      const b = engine(store)
      const [, snapS] = await timed(() => b.start())
      const restored = (await b.stats()).open_assignments
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from assignments where state in ('offered', 'accepted', 'active')`
      const used = b.durability.restore?.snapshots ?? 0
      const snapQ = (b.durability.restore?.ms ?? 0) / 1000
      await b.stop()
      return {
        ...s,
        open,
        rows_s: rowsS,
        rows_q_s: rowsQ,
        snapshot_write_s: writeS,
        changed: changed * 2,
        snapshot_s: snapS,
        snapshot_q_s: snapQ,
        restored_equal: restored === n && used === s.interviewers,
      }
    } finally {
      await sql.end({ timeout: 1 })
    }
  })
}

function requests(n: number): RouteRequest[] {
  return Array.from({ length: n }, (_, i) => ({ user_id: (i % 1000) + 1, topics: [TOPICS[i % TOPICS.length]], language: 'English', budget: 200, sensitivity: false, sla_min: 10_000 }))
}

/** Committed assignments per second, each followed by its completion (a refusal fails the bench). */
async function drive(e: Engine, reqs: RouteRequest[], ms: number, concurrency = 64): Promise<number> {
  let n = 0
  let i = 0
  const t0 = performance.now()
  const until = t0 + ms
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const r = await e.route(reqs[i++ % reqs.length])
        if (r.status !== 'assigned') throw new Error(`route answered ${r.status}: the bench population should always have room`)
        n++
        // Steady state: each interview completes, so queues (and snapshots) stay the size of the traffic in flight.
        await e.complete({ assignment_id: r.assignment_id as string }).catch(() => null)
      }
    }),
  )
  return (n / (performance.now() - t0)) * 1000
}

/** Durable routing (real Postgres) with snapshots every `everyS` seconds vs off, alternated to share the noise. */
async function throughput(ctx: BenchContext, interviewers: number, ms: number, rounds: number, everyS: number): Promise<{ on: number[]; off: number[] }> {
  return withDatabase(ctx.databaseUrl, async (_url, store) => {
    await store.bulkLoad('users', [Array.from({ length: 1000 }, (_, i) => user(i + 1))])
    await store.bulkLoad('interviewers', [population(interviewers).map((iv) => ({ ...iv, languages: ['English'], cost: 50, concurrency: 50, capacity: 1_000_000, avg_duration_min: 1 }))])
    const reqs = requests(4096)
    const out = { on: [] as number[], off: [] as number[] }
    for (let r = 0; r < rounds; r++) {
      for (const mode of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        ctx.progress(`throughput round ${r + 1}/${rounds}, snapshots ${mode}`)
        const e = engine(store, { SNAPSHOT_INTERVAL_S: mode === 'on' ? String(everyS) : '0' })
        await e.start()
        // Warm-up past the first snapshot run, which writes every interviewer once (as at any start).
        await drive(e, reqs, 1_500)
        out[mode].push(await drive(e, reqs, ms))
        await e.stop()
      }
    }
    return out
  })
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export default async function restoreBench(ctx: BenchContext): Promise<BenchSection> {
  const load0 = loadavg()[0]
  const sizes: Size[] = ctx.quick
    ? [
        { interviewers: 1_000, assignments: 10_000 },
        { interviewers: 10_000, assignments: 100_000 },
      ]
    : [
        { interviewers: 10_000, assignments: 100_000 },
        { interviewers: 100_000, assignments: 1_000_000 },
      ]
  const rows: RestoreRow[] = []
  for (const s of sizes) rows.push(await restoreCase(ctx, s))
  // Snapshots every 15 s (twice as often as the default), each 15 s window holding one run that
  // rewrites every interviewer (all of them change under this load).
  const everyS = ctx.quick ? 1 : 15
  const tp = await throughput(ctx, ctx.quick ? 1_000 : 10_000, ctx.quick ? 2_000 : 15_000, ctx.quick ? 2 : 6, everyS)
  const on = median(tp.on)
  const off = median(tp.off)
  // Each round measures both modes back to back, so a round's on/off ratio shares that window's
  // noise (the machine's load drifts across rounds): the median of those ratios is the estimate.
  const paired = median(tp.on.map((x, i) => x / tp.off[i]))
  const big = rows[rows.length - 1]
  return {
    id: 'restore',
    title: 'Durability: restore time and the cost of snapshots',
    command: `npx tsx load/bench/restore.ts${ctx.quick ? ' --quick' : ''}`,
    tables: [
      {
        title: 'Engine start-up on real Postgres (interviewers, history stats, queues): from rows alone vs from snapshots + replay',
        columns: [
          'interviewers',
          'assignment rows',
          'open',
          'start from rows s',
          'of which queue restore s',
          'snapshot write s',
          'rows changed after snapshot',
          'start from snapshot + replay s',
          'of which queue restore s',
          'restored == committed',
        ],
        rows: rows.map((r) => [
          fmt(r.interviewers),
          fmt(r.assignments),
          fmt(r.open),
          r.rows_s.toFixed(2),
          r.rows_q_s.toFixed(2),
          r.snapshot_write_s.toFixed(2),
          fmt(r.changed),
          r.snapshot_s.toFixed(2),
          r.snapshot_q_s.toFixed(2),
          r.restored_equal ? 'yes' : 'NO',
        ]),
      },
      {
        title: `Durable route + complete throughput (64 in flight, in-process bus, real Postgres, ${ctx.quick ? '1,000' : '10,000'} interviewers), snapshots every ${everyS} s vs off, alternated`,
        columns: ['snapshots', 'committed assignments/s per round', 'median'],
        rows: [
          ['off', tp.off.map(fmt).join(', '), fmt(off)],
          [`every ${everyS} s`, tp.on.map(fmt).join(', '), fmt(on)],
          ['on / off, per round', tp.on.map((x, i) => (x / tp.off[i]).toFixed(3)).join(', '), paired.toFixed(3)],
        ],
      },
    ],
    plots: [
      {
        id: 'restore-time',
        title: 'Start-up restore time',
        x_label: 'interviewers',
        y_label: 'seconds',
        kind: 'line',
        log_x: true,
        series: [
          { name: 'from rows', points: rows.map((r) => [r.interviewers, r.rows_s]) },
          { name: 'snapshot + replay', points: rows.map((r) => [r.interviewers, r.snapshot_s]) },
        ],
      },
    ],
    ratios: [
      {
        label: `Restore at ${fmt(big.interviewers)} interviewers / ${fmt(big.assignments)} assignments (snapshot + replay) vs 10 s`,
        ours: big.snapshot_s,
        baseline: 10,
        unit: 's',
        goal: { op: '<=', value: 1 },
      },
      {
        label: `Routing throughput with snapshots every ${everyS} s vs off, median of the per-round ratios (goal: within 5 %)`,
        ours: Math.round(paired * 1000) / 10,
        baseline: 100,
        unit: '%',
        goal: { op: '>=', value: 0.95 },
      },
    ],
    notes: [
      'Start-up time is Engine.start(): it loads every interviewer, the history stats and the queues; "from rows" reads all open assignments through the partial index, "snapshot + replay" reads the interviewer_snapshots rows plus the assignments changed since the earliest watermark (index on updated_at).',
      'Snapshot writes run off the hot path: capture walks the queues in slices of 2,000 between event-loop turns, then upserts in chunks of 5,000 interviewers in one transaction.',
      `Snapshots every ${everyS} s is ${30 / everyS}× as often as the default (SNAPSHOT_INTERVAL_S=30). A run writes only the interviewers whose queue, availability or fairness clock changed since the previous run.`,
      '"of which queue restore" is the Restorer alone (its queries and the merge); the rest of start-up loads the interviewers and their history stats and builds the actors and the candidate index, the same either way.',
      `Throughput rounds spread from ${fmt(Math.min(...tp.off, ...tp.on))} to ${fmt(Math.max(...tp.off, ...tp.on))} assignments/s across both modes: on a shared machine the run-to-run spread can exceed the difference being measured; so the goal is judged on the median of the per-round on/off ratios (both modes measured back to back in each round, their order alternating), not on the two medians.`,
      `Postgres shares the machine with the engine; load average at the start: ${load0.toFixed(2)}, at the end: ${loadavg()[0].toFixed(2)}.`,
    ],
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const section = await restoreBench({
    quick: process.argv.includes('--quick'),
    tmpDir: tmpdir(),
    databaseUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    natsUrl: '',
    progress: (msg) => process.stderr.write(`${msg}\n`),
  })
  process.stdout.write(`${JSON.stringify(section, null, 2)}\n`)
}
