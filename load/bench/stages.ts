// Bench: where a route's time goes. On PGlite and on real Postgres: the peak WebSocket route rate
// (closed loop), then open-loop runs at 10 % and 50 % of it, reading the server's own
// route_stage_seconds / route_seconds histograms before and after each run (p50/p99 from the
// bucket deltas, as Prometheus' histogram_quantile computes them), next to the raw commit latency
// of the same store measured in the same run: a plain one-row transaction through the same driver.
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import postgres from 'postgres'
import { ROUTE_STAGES } from '../../actors/ports.ts'
import { drive, outcomeCell } from './drive.ts'
import { type Proc, resetQueues, startPostgresServer, startServer } from './procs.ts'
import { type Family, parsePromText } from './prom-text.ts'
import type { BenchContext, BenchPlot, BenchRatio, BenchSection, BenchTable } from './types.ts'

const LEVELS = [0.1, 0.5] as const
const SERIES = ['route', ...ROUTE_STAGES] as const
type Series = (typeof SERIES)[number]

/** Cumulative bucket counts per series: [le, count][] with le ascending, +Inf last. */
type Buckets = Map<Series, [number, number][]>

async function scrape(url: string): Promise<Buckets> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) })).text()
  const m = parsePromText(text)
  const out: Buckets = new Map()
  const read = (f: Family | undefined, stage: string | null): [number, number][] =>
    (f?.samples ?? [])
      .filter((s) => s.name.endsWith('_bucket') && (stage === null || s.labels.stage === stage))
      .map((s) => [s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le), s.value] as [number, number])
      .sort((a, b) => a[0] - b[0])
  out.set('route', read(m.get('route_seconds'), null))
  for (const s of ROUTE_STAGES) out.set(s, read(m.get('route_stage_seconds'), s))
  return out
}

/** The q-quantile (0..1) in ms of the observations between two scrapes, or null with none. */
export function quantileMs(before: [number, number][], after: [number, number][], q: number): number | null {
  const delta = after.map(([le, n], i) => [le, n - (before[i]?.[1] ?? 0)] as [number, number])
  const total = delta.at(-1)?.[1] ?? 0
  if (total <= 0) return null
  const rank = q * total
  let lower = 0
  let below = 0
  for (const [le, n] of delta) {
    if (n >= rank) {
      // In the +Inf bucket: the highest finite bound is all that can be said.
      if (!Number.isFinite(le)) return lower * 1000
      return (lower + ((le - lower) * (rank - below)) / Math.max(n - below, 1e-12)) * 1000
    }
    lower = le
    below = n
  }
  return lower * 1000
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number
}

/** One-row transactions, one after another: p50/p99 in ms. */
async function rawCommits(n: number, commit: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(50, n); i++) await commit(-i - 1)
  const ms: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await commit(i)
    ms.push(performance.now() - t)
  }
  ms.sort((a, b) => a - b)
  return { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) }
}

async function rawPglite(dir: string, n: number): Promise<{ p50: number; p99: number }> {
  const db = new PGlite(dir)
  try {
    await db.exec('create table raw_commit (id int, at timestamptz default now(), note text)')
    return await rawCommits(n, (i) => db.transaction((tx) => tx.query('insert into raw_commit (id, note) values ($1, $2)', [i, 'one row'])))
  } finally {
    await db.close()
  }
}

async function rawPostgres(url: string, n: number): Promise<{ p50: number; p99: number }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe('create table if not exists raw_commit (id int, at timestamptz default now(), note text)')
    return await rawCommits(n, (i) => sql.begin((tx) => tx.unsafe('insert into raw_commit (id, note) values ($1, $2)', [i, 'one row'])))
  } finally {
    await sql.end({ timeout: 2 })
  }
}

interface StoreRun {
  store: 'PGlite' | 'Postgres'
  peak: number
  raw: { p50: number; p99: number }
  levels: { level: number; rate: number; achieved: number; client: { p50: number; p99: number }; p: Record<Series, { p50: number | null; p99: number | null }>; outcomes: string }[]
}

async function measure(ctx: BenchContext, store: StoreRun['store'], server: Proc, raw: () => Promise<{ p50: number; p99: number }>): Promise<StoreRun> {
  const peakMs = ctx.quick ? 2000 : 5000
  const levelMs = ctx.quick ? 3000 : 10_000
  await resetQueues(server.url)
  const base = { url: server.url, scenario: 'ws-burst' as const, conns: 64, pipeline: 1, complete: true, service_ms: 20, server_pid: server.pid }
  const peak = (await drive(ctx, `${store} peak`, { ...base, rate: null, duration_ms: peakMs })).throughput
  const levels: StoreRun['levels'] = []
  for (const level of LEVELS) {
    await resetQueues(server.url)
    const rate = Math.max(10, Math.round(peak * level))
    const before = await scrape(server.url)
    const r = await drive(ctx, `${store} ${level * 100}%`, { ...base, rate, duration_ms: levelMs })
    const after = await scrape(server.url)
    const p = {} as StoreRun['levels'][number]['p']
    for (const s of SERIES) {
      const b = before.get(s) ?? []
      const a = after.get(s) ?? []
      p[s] = { p50: quantileMs(b, a, 0.5), p99: quantileMs(b, a, 0.99) }
    }
    levels.push({ level, rate, achieved: r.throughput, client: { p50: r.latency_ms.p50, p99: r.latency_ms.p99 }, p, outcomes: outcomeCell(r) })
  }
  ctx.progress(`${store}: raw one-row commits`)
  return { store, peak, raw: await raw(), levels }
}

const ms = (v: number | null): string | number => (v === null ? '—' : Number(v.toPrecision(3)))

/** The stage with the largest p99 other than the commit itself: where the rest of the route's time is. */
function heaviest(p: StoreRun['levels'][number]['p']): { stage: string; p99: number } {
  let best = { stage: 'none', p99: -1 }
  for (const s of ROUTE_STAGES) {
    const v = p[s].p99
    if (s !== 'commit' && v !== null && v > best.p99) best = { stage: s, p99: v }
  }
  return best
}

export default async function stagesBench(ctx: BenchContext): Promise<BenchSection> {
  const rawN = ctx.quick ? 200 : 1000
  const runs: StoreRun[] = []
  const notes: string[] = []
  const pg = await startServer(ctx.tmpDir)
  try {
    runs.push(await measure(ctx, 'PGlite', pg, () => rawPglite(join(ctx.tmpDir, 'raw-pglite'), rawN)))
  } finally {
    await pg.stop()
  }
  const server = await startPostgresServer(ctx.tmpDir, ctx.databaseUrl)
  if (server) {
    try {
      runs.push(await measure(ctx, 'Postgres', server, () => rawPostgres(server.databaseUrl, rawN)))
    } finally {
      await server.stop()
      await server.drop()
    }
  } else notes.push(`Postgres at ${ctx.databaseUrl} was not reachable: its rows are missing.`)

  const tables: BenchTable[] = runs.map((r) => ({
    title: `${r.store}: peak ${Math.round(r.peak).toLocaleString('en-US')} routes/s (closed loop, 64 WebSocket connections, one route in flight each); raw one-row commit p50 ${ms(r.raw.p50)} ms, p99 ${ms(r.raw.p99)} ms`,
    columns: ['load', 'routes/s asked → done', 'client p50 / p99 ms', ...SERIES.map((s) => `${s} p50 / p99 ms`), 'outcomes'],
    rows: r.levels.map((l) => [
      `${l.level * 100}% of peak`,
      `${l.rate} → ${Math.round(l.achieved)}`,
      `${ms(l.client.p50)} / ${ms(l.client.p99)}`,
      ...SERIES.map((s) => `${ms(l.p[s].p50)} / ${ms(l.p[s].p99)}`),
      l.outcomes,
    ]),
  }))
  const ratios: BenchRatio[] = []
  for (const r of runs) {
    for (const l of r.levels) {
      const p99 = l.p.route.p99
      if (p99 === null) continue
      ratios.push({
        label: `${r.store} route p99 at ${l.level * 100}% of peak vs the raw one-row commit p99 (same store, same run)`,
        ours: p99,
        baseline: r.raw.p99,
        unit: 'ms',
        goal: { op: '<=', value: 2 },
      })
      const h = heaviest(l.p)
      notes.push(
        `${r.store} at ${l.level * 100}%: route p99 ${ms(p99)} ms = ${(p99 / r.raw.p99).toFixed(1)}× the raw commit p99 (${ms(r.raw.p99)} ms); the commit itself p99 ${ms(l.p.commit.p99)} ms; the largest other stage is ${h.stage} (p99 ${ms(h.p99)} ms).`,
      )
    }
  }
  const plots: BenchPlot[] = [
    {
      id: 'stages-p99',
      title: 'p99 of each route stage and of the whole route (server histograms)',
      x_label: `0 = route, ${ROUTE_STAGES.map((s, i) => `${i + 1} = ${s}`).join(', ')}`,
      y_label: 'ms',
      kind: 'bar',
      log_y: true,
      series: runs.flatMap((r) =>
        r.levels.map((l) => ({
          name: `${r.store} ${l.level * 100}%`,
          points: SERIES.flatMap((s, i): [number, number][] => (l.p[s].p99 === null ? [] : [[i, Math.max(l.p[s].p99 as number, 0.001)]])),
        })),
      ),
    },
  ]
  notes.push(
    'Stages: decode_validate (gateway: frame decode + validation), user_lookup (cache or directory), scatter_gather (score request to the shard hosts until every bid is in), commit_wait (a route’s item waiting for its group-commit batch), commit (the batch’s transaction), reply_write (encode and queue the reply for the corked write). route is the gateway’s whole time, from the frame’s arrival to its reply queued; stage p99s do not add up to it.',
    'Percentiles come from the server’s own Prometheus histograms (buckets 1-1.5-2-3-5-7 per decade, linear within a bucket): within about ±20 % of the exact value. The client p50/p99 columns are the load driver’s own (exact, including the loopback and the driver’s queueing).',
    'Raw commit: sequential one-row transactions (begin; insert; commit) after the route runs, with the server idle: through postgres.js on the server’s own Postgres database, and through PGlite (same package and file system; in the bench process, without the server’s worker-thread hop).',
    'The machine has 2 cores shared by the server, the load driver and (during this run) other developers’ jobs: absolute figures are noisy; the ratios are within one run.',
  )
  return { id: 'stages', title: 'Stage latencies: where a route spends its time', command: 'npm run bench -- --only stages', tables, plots, ratios, notes }
}
