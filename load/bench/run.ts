// `npm run bench [-- --quick] [--only id,id]`: runs the benchmark modules, writes their plots under
// docs/bench/ and rewrites BENCHMARKS.md with machine, commit, tables, ratios and goals.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stopShared } from './procs.ts'
import { renderMarkdown, type Outcome, type RunMeta } from './report.ts'
import { renderSvg } from './svg.ts'
import type { BenchContext, BenchModule } from './types.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Run order: the cheap transport figures first, the long scale runs last. */
const MODULES = ['ids', 'echo-vs-ws', 'http', 'router', 'held', 'stages', 'seed', 'restore', 'render'] as const

interface Flags {
  quick: boolean
  only: string[] | null
  database_url: string
  nats_url: string
  out: string
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { quick: false, only: null, database_url: 'postgres://postgres@127.0.0.1:5432/postgres', nats_url: 'nats://127.0.0.1:4222', out: 'BENCHMARKS.md' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--quick') f.quick = true
    else if (a === '--only') f.only = (argv[++i] ?? '').split(',').filter(Boolean)
    else if (a === '--database-url') f.database_url = argv[++i] ?? f.database_url
    else if (a === '--nats-url') f.nats_url = argv[++i] ?? f.nats_url
    else if (a === '--out') f.out = argv[++i] ?? f.out
    else throw new Error(`unknown flag ${a}; usage: npm run bench -- [--quick] [--only ${MODULES.join(',')}] [--out FILE]`)
  }
  for (const id of f.only ?? []) if (!(MODULES as readonly string[]).includes(id)) throw new Error(`unknown module ${id}; one of ${MODULES.join(', ')}`)
  return f
}

const git = (...args: string[]): string => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

async function load(id: string): Promise<BenchModule | string> {
  const path = join(ROOT, 'load/bench', `${id}.ts`)
  if (!existsSync(path)) return `load/bench/${id}.ts is not in this checkout yet`
  const mod = (await import(path)) as { default?: BenchModule }
  return typeof mod.default === 'function' ? mod.default : `load/bench/${id}.ts has no default BenchModule export`
}

const flags = parseFlags(process.argv.slice(2))
const tty = process.stderr.isTTY
const started = Date.now()
// The code measured is the checkout as the run starts; the bench's own outputs do not count as changes.
const commit = git('rev-parse', '--short', 'HEAD')
const dirty = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!BENCHMARKS.md', ':!docs/bench') !== ''
const tmp = mkdtempSync(join(tmpdir(), 'bench-'))
let current = ''
const ctx: BenchContext = {
  quick: flags.quick,
  tmpDir: tmp,
  databaseUrl: flags.database_url,
  natsUrl: flags.nats_url,
  progress: (msg) => {
    const line = `[bench ${Math.round((Date.now() - started) / 1000)}s] ${current}: ${msg}`
    process.stderr.write(tty ? `\r${line.slice(0, 160)}\x1b[K` : `${line}\n`)
  },
}

const outcomes: Outcome[] = []
try {
  for (const id of flags.only ?? MODULES) {
    current = id
    const mod = await load(id)
    if (typeof mod === 'string') {
      outcomes.push({ id, skipped: mod })
      continue
    }
    try {
      outcomes.push({ id, section: await mod(ctx) })
    } catch (err) {
      outcomes.push({ id, failed: err instanceof Error ? `${err.message}` : String(err) })
    }
    if (tty) process.stderr.write('\n')
  }
} finally {
  await stopShared()
  rmSync(tmp, { recursive: true, force: true })
}

const plotDir = join(ROOT, 'docs/bench')
mkdirSync(plotDir, { recursive: true })
for (const o of outcomes) if ('section' in o) for (const p of o.section.plots) writeFileSync(join(plotDir, `${p.id}.svg`), renderSvg(p))

const cpu = cpus()
const meta: RunMeta = {
  date: `${new Date().toISOString().replace('T', ' ').slice(0, 19)} UTC`,
  commit,
  dirty,
  machine: { cores: cpu.length, cpu_model: cpu[0]?.model.trim() ?? 'unknown', memory_gib: totalmem() / 2 ** 30, node: process.version, platform: `${platform()} ${release()}` },
  quick: flags.quick,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  duration_s: (Date.now() - started) / 1000,
}
writeFileSync(resolve(ROOT, flags.out), renderMarkdown(meta, outcomes))
process.stderr.write(
  `wrote ${flags.out} and ${outcomes.reduce((n, o) => n + ('section' in o ? o.section.plots.length : 0), 0)} plots under docs/bench/ (free memory ${(freemem() / 2 ** 30).toFixed(1)} GiB)\n`,
)
const failed = outcomes.filter((o) => 'failed' in o)
for (const o of failed) if ('failed' in o) process.stderr.write(`FAILED ${o.id}: ${o.failed}\n`)
process.exit(failed.length > 0 ? 1 : 0)
