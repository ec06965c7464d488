// Bench: the cost of one decision/assignment id. Today's ids (144 random bits behind a
// creation-ordered prefix, actors/runtime/ids.ts) against the counter ids they replaced (one random
// prefix per process plus a counter: cheap but guessable) and node's randomUUID, in the same run,
// interleaved round by round so machine noise hits all three alike.
// Runnable alone: `npx tsx load/bench/ids.ts [--quick]` prints the section as JSON.
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { pathToFileURL } from 'node:url'
import { nextId } from '../../actors/runtime/ids.ts'
import type { BenchContext, BenchSection } from './types.ts'

/** The id function before issue 17, kept here only as the baseline: a random UUID prefix and a counter. */
function counterIds(): () => string {
  const base = randomUUID().slice(0, 24)
  const hex4 = Array.from({ length: 0x10000 }, (_, i) => i.toString(16).padStart(4, '0'))
  let seq = 0
  let high = -1
  let prefix = ''
  return () => {
    const n = ++seq
    const h = Math.floor(n / 0x10000)
    if (h !== high) {
      high = h
      prefix = base + h.toString(16).padStart(8, '0')
    }
    return prefix + hex4[n & 0xffff]
  }
}

/** ns per id over n calls; the lengths are summed so the strings cannot be optimised away. */
function time(make: () => string, n: number): number {
  let sink = 0
  const t0 = performance.now()
  for (let i = 0; i < n; i++) sink += make().length
  const ns = ((performance.now() - t0) * 1e6) / n
  if (sink === 0) throw new Error('unreachable: ids have a length')
  return ns
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export default async function idsBench(ctx: BenchContext): Promise<BenchSection> {
  const n = ctx.quick ? 200_000 : 1_000_000
  const rounds = ctx.quick ? 5 : 9
  const subjects: [string, () => string][] = [
    ['counter ids (before)', counterIds()],
    ['nextId (144 random bits)', nextId],
    ['crypto.randomUUID', () => randomUUID()],
  ]
  for (const [, make] of subjects) time(make, n / 4) // warm-up: JIT and the random pool
  const samples = new Map<string, number[]>(subjects.map(([name]) => [name, []]))
  for (let r = 0; r < rounds; r++) {
    ctx.progress(`round ${r + 1}/${rounds}`)
    for (const [name, make] of subjects) samples.get(name)?.push(time(make, n))
  }
  const med = new Map([...samples].map(([name, xs]) => [name, median(xs)]))
  const before = med.get('counter ids (before)') ?? 0
  const ours = med.get('nextId (144 random bits)') ?? 0
  return {
    id: 'ids',
    title: 'Id generation (decision and assignment ids)',
    command: `npx tsx load/bench/ids.ts${ctx.quick ? ' --quick' : ''}`,
    tables: [
      {
        title: `ns per id, median of ${rounds} rounds of ${n.toLocaleString('en-US')} ids`,
        columns: ['id function', 'ns/id (median)', 'min', 'max'],
        rows: [...samples].map(([name, xs]) => [name, round(med.get(name) ?? 0), round(Math.min(...xs)), round(Math.max(...xs))]),
      },
    ],
    plots: [
      {
        id: 'ids-cost',
        title: 'Cost of one id',
        x_label: 'id function (1 = counter ids, 2 = nextId, 3 = randomUUID)',
        y_label: 'ns per id (median)',
        kind: 'bar',
        series: subjects.map(([name], i) => ({ name, points: [[i + 1, round(med.get(name) ?? 0)]] as [number, number][] })),
      },
    ],
    ratios: [{ label: 'nextId cost vs the counter ids it replaced', ours, baseline: before, unit: 'ns/id' }],
    notes: ['Ids run once per decision and once per assignment. Against a route costing about 10 µs in-process (100,000 decisions/s), the difference is the ns/id gap above, twice per route.'],
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const section = await idsBench({
    quick: process.argv.includes('--quick'),
    progress: (m) => process.stderr.write(`[ids] ${m}\n`),
    tmpDir: tmpdir(),
    databaseUrl: '',
    natsUrl: '',
  })
  process.stdout.write(`${JSON.stringify(section, null, 2)}\n`)
}
