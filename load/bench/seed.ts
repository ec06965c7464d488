// Bench: seeding throughput (rows/s) and peak RSS of `npm run seed`, into real Postgres (COPY) at
// 1,000,000 users + 100,000 interviewers + history, and into embedded PGlite at 100,000 users.
// Each run is a child process so its peak RSS is its own. Alone: `npx tsx load/bench/seed.ts [--quick]`.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir, cpus } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import postgres from 'postgres'
import type { BenchContext, BenchSection } from './types.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const GOAL_ROWS_S = 100_000
const GOAL_RSS_MB = 300

interface Case {
  backend: 'postgres' | 'pglite'
  users: number
  interviewers: number
  history: number
}
interface Result extends Case {
  interviews: number
  rows: number
  seconds: number
  rows_per_s: number
  peak_rss_mb: number
  wall_s: number
  cpu_s: number
}

function cases(quick: boolean): Case[] {
  return quick
    ? [
        { backend: 'postgres', users: 100_000, interviewers: 10_000, history: 5 },
        { backend: 'pglite', users: 10_000, interviewers: 1_000, history: 5 },
      ]
    : [
        { backend: 'postgres', users: 1_000_000, interviewers: 100_000, history: 5 },
        { backend: 'pglite', users: 100_000, interviewers: 10_000, history: 5 },
      ]
}

async function withTempDatabase<T>(adminUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `bench_seed_${Date.now().toString(36)}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database "${name}"`)
    const u = new URL(adminUrl)
    u.pathname = `/${name}`
    return await fn(u.toString())
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => {})
    await admin.end({ timeout: 1 })
  }
}

/** Runs the seed CLI in a child process; its --json summary carries rows/s and its own peak RSS. */
function runSeed(c: Case, env: Record<string, string>, progress: (msg: string) => void): Promise<Result> {
  const args = [
    '--import',
    'tsx',
    'server/seed/cli.ts',
    '--users',
    String(c.users),
    '--interviewers',
    String(c.interviewers),
    '--history-per-user',
    String(c.history),
    '--seed',
    '1',
    '--reset',
    '--json',
  ]
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let lastErr = ''
    child.stdout.on('data', (b: Buffer) => (out += b.toString()))
    createInterface({ input: child.stderr }).on('line', (line) => {
      lastErr = line
      progress(`${c.backend}: ${line.replace(/^seed: /, '')}`)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`seed into ${c.backend} exited ${code}: ${lastErr}`))
      const s = JSON.parse(out) as { counts: { users: number; interviewers: number; interviews: number }; elapsed_ms: number; rows_per_s: number; peak_rss_mb: number; cpu_s: number }
      const rows = s.counts.users + s.counts.interviewers + s.counts.interviews
      resolve({
        ...c,
        interviews: s.counts.interviews,
        rows,
        seconds: s.elapsed_ms / 1000,
        rows_per_s: s.rows_per_s,
        peak_rss_mb: s.peak_rss_mb,
        cpu_s: s.cpu_s,
        wall_s: (performance.now() - t0) / 1000,
      })
    })
  })
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')

export default async function seedBench(ctx: BenchContext): Promise<BenchSection> {
  const load0 = loadavg()[0]
  const results: Result[] = []
  for (const c of cases(ctx.quick)) {
    if (c.backend === 'postgres') {
      results.push(await withTempDatabase(ctx.databaseUrl, (url) => runSeed(c, { DATABASE_URL: url }, ctx.progress)))
    } else {
      const dir = mkdtempSync(join(ctx.tmpDir, 'pglite-'))
      try {
        // PGlite's first start runs initdb in WebAssembly, which alone peaks near 900 MB: do it in a
        // throwaway run first, so the measured run's peak RSS is the seeding's own.
        await runSeed({ ...c, users: 100, interviewers: 10, history: 0 }, { DATABASE_URL: '', DATA_DIR: dir }, () => {})
        results.push(await runSeed(c, { DATABASE_URL: '', DATA_DIR: dir }, ctx.progress))
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
  const pg = results.find((r) => r.backend === 'postgres')!
  return {
    id: 'seed',
    title: 'Seeding: rows/s and peak RSS',
    command: `npx tsx load/bench/seed.ts${ctx.quick ? ' --quick' : ''}`,
    tables: [
      {
        title: 'npm run seed (child process, --seed 1, --history-per-user 5, --reset), load includes rebuilding indexes and ANALYZE',
        columns: ['backend', 'users', 'interviewers', 'interviews', 'rows', 'seconds', 'rows/s', 'vs 100k rows/s goal', 'peak RSS MB', 'seed CPU s', 'rows per seed CPU s', 'process wall s'],
        rows: results.map((r) => [
          r.backend,
          fmt(r.users),
          fmt(r.interviewers),
          fmt(r.interviews),
          fmt(r.rows),
          r.seconds.toFixed(1),
          fmt(r.rows_per_s),
          `${(r.rows_per_s / GOAL_ROWS_S).toFixed(2)}×`,
          r.peak_rss_mb,
          r.cpu_s.toFixed(1),
          fmt(r.rows / Math.max(0.01, r.cpu_s)),
          r.wall_s.toFixed(1),
        ]),
      },
    ],
    plots: [
      {
        id: 'seed-throughput',
        title: 'Seeding throughput',
        x_label: 'backend (1 = Postgres COPY, 2 = PGlite)',
        y_label: 'rows/s',
        kind: 'bar',
        series: [{ name: 'rows/s', points: results.map((r, i) => [i + 1, r.rows_per_s]) }],
      },
    ],
    ratios: [
      { label: `Seeding into real Postgres (${fmt(pg.users)} users) vs the 100,000 rows/s goal`, ours: pg.rows_per_s, baseline: GOAL_ROWS_S, unit: 'rows/s', goal: { op: '>=', value: 1 } },
      { label: 'Peak RSS of that run vs the 300 MB goal', ours: pg.peak_rss_mb, baseline: GOAL_RSS_MB, unit: 'MB', goal: { op: '<=', value: 1 } },
    ],
    notes: [
      "Rows are written straight into COPY text bytes from per-seed pools encoded once (no per-row strings or objects), on the seeding thread between its I/O, and streamed: `COPY … FROM STDIN` on Postgres (`WITH (FREEZE)` into interviewers and users, each truncated in the same transaction), `COPY … FROM '/dev/blob'` chunks on PGlite (itself on a worker thread).",
      "On Postgres the history (5 of every 6 rows) streams as two user ranges on two connections (committed together once both are copied) while interviewers and then users stream on a third, so generation, the COPYs and the users' index builds overlap; PGlite loads one table at a time.",
      "The PGlite run re-opens a data folder initialised by a throwaway run: a fresh folder's initdb alone peaks near 900 MB RSS (WebAssembly memory never shrinks), which would hide the seeding's own memory.",
      'Secondary indexes of each empty table are dropped for the load and rebuilt after it (on Postgres side by side, one connection each, with maintenance_work_mem 512MB); that rebuild and ANALYZE are inside the measured time. Process start-up and migrations are not (see process wall s).',
      `Postgres runs on the same machine (${cpus().length} cores) as the seeding process; load average at the start: ${load0.toFixed(2)}, at the end: ${loadavg()[0].toFixed(2)}. On a shared machine rows/s falls with the load; "rows per seed CPU s" (all threads of the seeding process, Postgres's own CPU excluded) does not.`,
    ],
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick')
  const tmp = mkdtempSync(join(tmpdir(), 'bench-seed-'))
  try {
    const section = await seedBench({
      quick,
      tmpDir: tmp,
      databaseUrl: process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
      natsUrl: '',
      progress: (msg) => process.stderr.write(`${msg}\n`),
    })
    process.stdout.write(`${JSON.stringify(section, null, 2)}\n`)
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
