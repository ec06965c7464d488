// Bench: this checkout against another one (an older commit checked out beside it), measured
// alternately in one session so the machine's drift hits both alike: router decisions/s (in-process
// and NATS bus, 10,000 interviewers, each tree's own `load/bench/router.ts --quick`) and the WebSocket
// 64-connection route cell (each tree's server, this tree's driver: 64 conns, 4 in flight, 8 s).
// `npx tsx load/bench/compare.ts --base DIR [--rounds 4]`; DIR needs its own node_modules (a link works).
// Prints each round and the median ratio ours / base per figure, as JSON on the last line.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { drive } from './drive.ts'
import { resetQueues, startServer } from './procs.ts'
import type { BenchContext, BenchSection } from './types.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const { values } = parseArgs({ options: { base: { type: 'string' }, rounds: { type: 'string', default: '4' } } })
if (!values.base) throw new Error('usage: npx tsx load/bench/compare.ts --base DIR [--rounds N]')
const BASE = resolve(values.base)
const ROUNDS = Number(values.rounds)
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer')

type Figures = { local: number; nats: number; ws64: number }

function routerRates(root: string): Promise<{ local: number; nats: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'load/bench/router.ts', '--quick'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString()
    })
    child.stderr.on('data', () => {})
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`router bench in ${root} exited with ${code}`))
      const section = JSON.parse(out) as BenchSection
      const rows = section.tables[0].rows
      const rate = (bus: string): number => Number(rows.find((r) => r[0] === bus && r[1] === 10_000)?.[2])
      done({ local: rate('in-process'), nats: rate('NATS') })
    })
  })
}

async function ws64(root: string, tmp: string): Promise<number> {
  const server = await startServer(tmp, {}, root)
  try {
    await resetQueues(server.url)
    const ctx: BenchContext = { quick: false, progress: () => {}, tmpDir: tmp, databaseUrl: '', natsUrl: '' }
    const r = await drive(ctx, 'ws 64', { url: server.url, scenario: 'ws-burst', conns: 64, pipeline: 4, duration_ms: 8000, complete: true, service_ms: 20, server_pid: server.pid })
    return r.throughput
  } finally {
    await server.stop()
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const tmp = mkdtempSync(join(tmpdir(), 'compare-'))
const trees = { ours: ROOT, base: BASE }
const runs: Record<'ours' | 'base', Figures[]> = { ours: [], base: [] }
try {
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which tree goes first, so a drift within a round favours neither.
    const order = round % 2 ? (['base', 'ours'] as const) : (['ours', 'base'] as const)
    for (const which of order) {
      const rates = await routerRates(trees[which])
      const ws = await ws64(trees[which], tmp)
      runs[which].push({ ...rates, ws64: ws })
      console.log(`round ${round} ${which.padEnd(4)}: in-process ${Math.round(rates.local)}/s  NATS ${Math.round(rates.nats)}/s  ws64 ${Math.round(ws)}/s`)
    }
  }
  const summary = Object.fromEntries(
    (['local', 'nats', 'ws64'] as const).map((k) => {
      const ours = median(runs.ours.map((f) => f[k]))
      const base = median(runs.base.map((f) => f[k]))
      const perRound = runs.ours.map((f, i) => f[k] / runs.base[i][k])
      return [k, { ours: Math.round(ours), base: Math.round(base), ratio_of_medians: ours / base, median_round_ratio: median(perRound) }]
    }),
  )
  console.log(JSON.stringify({ base: BASE, rounds: ROUNDS, summary }))
} finally {
  rmSync(tmp, { recursive: true, force: true })
}
