// Bench: the cost of one freed slot with many held requests (issue 16). Interviewers are all full
// and N requests are held; completing one interview frees one slot, and the indexed pass retries
// only the held requests that interviewer can serve, best first. Its cost (complete → the held
// request's assignment) is set against the same engine shape without held requests (complete →
// a fresh route assigned) and against one route alone, measured in the same run.
// Runnable alone: `npx tsx load/bench/held.ts [--quick]` prints the section as JSON.
import { pathToFileURL } from 'node:url'
import { LocalBus } from '../../actors/bus/local.ts'
import { Engine } from '../../actors/engine/engine.ts'
import { FakeStore } from '../../actors/testing/fake-store.ts'
import { interviewer, LANGS, TOPICS, testConfig, user } from '../../actors/testing/fixtures.ts'
import type { DecisionEvent, RouteRequest } from '../../client/protocol.ts'
import { silentLogger } from '../../server/log.ts'
import type { BenchContext, BenchSection } from './types.ts'
import { WaitEstimator } from '../../actors/held/estimate.ts'
import { Aging } from '../../actors/held/aging.ts'
import { HeldIndex, type HeldItem } from '../../actors/held/index.ts'
import { ANY_FREED } from '../../actors/held/notice.ts'

const INTERVIEWERS = 120
const req = (i: number, over: Partial<RouteRequest> = {}): RouteRequest => ({
  user_id: (i % 10_000) + 1,
  topics: [TOPICS[i % TOPICS.length]],
  language: LANGS[i % LANGS.length],
  budget: 100,
  sensitivity: false,
  sla_min: 10_000,
  ...over,
})

async function setup(): Promise<{ e: Engine; stop: () => Promise<void>; next: () => Promise<DecisionEvent> }> {
  const store = new FakeStore()
  store.shallow = true
  for (let i = 1; i <= 10_000; i++) store.users.set(i, user(i))
  store.interviewers = Array.from({ length: INTERVIEWERS }, (_, k) => interviewer(k + 1, { languages: [LANGS[k % LANGS.length]], capacity: 1, concurrency: 1, cost: 20 + (k % 8) * 10 }))
  const bus = new LocalBus()
  const e = new Engine({ config: testConfig({ NODE_ID: 'bench-held', MAX_INFLIGHT: '1000000', HELD_MAX_PER_NODE: '1000000' }), bus, store, log: silentLogger })
  await e.start()
  // Fill every interviewer: one route per slot, per language.
  for (let i = 0; i < INTERVIEWERS * 2; i++) await e.route(req(i))
  let waiting: ((d: DecisionEvent) => void) | null = null
  e.onDecision((d) => {
    if (d.status === 'assigned' && waiting) {
      const w = waiting
      waiting = null
      w(d)
    }
  })
  return {
    e,
    stop: async () => {
      await e.stop()
      await bus.close()
    },
    next: () => new Promise<DecisionEvent>((r) => (waiting = r)),
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** µs per freed slot with `held` requests held, and the attempts / index entries each cost. */
async function freedSlot(held: number, rounds: number): Promise<{ us: number; attempts: number; scanned: number }> {
  const { e, stop, next } = await setup()
  try {
    for (let i = 0; i < held; i++) await e.route(req(i, { wait: true, priority: i % 10 }))
    const before = (await e.stats()).held
    const times: number[] = []
    for (let r = 0; r < rounds; r++) {
      const assigned = next()
      const t0 = performance.now()
      await e.complete({ interviewer_id: (r % INTERVIEWERS) + 1 })
      await assigned
      times.push((performance.now() - t0) * 1000)
    }
    const after = (await e.stats()).held
    return { us: median(times), attempts: (after.attempts - before.attempts) / rounds, scanned: (after.scanned - before.scanned) / rounds }
  } finally {
    await stop()
  }
}

/** The same engine without held requests: complete, then route a fresh request into the freed slot; and one route alone. */
async function baseline(rounds: number): Promise<{ completeRoute: number; route: number }> {
  const { e, stop } = await setup()
  try {
    const both: number[] = []
    const route: number[] = []
    for (let r = 0; r < rounds; r++) {
      const iv = (r % INTERVIEWERS) + 1
      const t0 = performance.now()
      await e.complete({ interviewer_id: iv })
      const t1 = performance.now()
      const out = await e.route(req(iv - 1))
      const t2 = performance.now()
      if (out.status !== 'assigned') throw new Error(`baseline route not assigned: ${out.status}`)
      both.push((t2 - t0) * 1000)
      route.push((t2 - t1) * 1000)
    }
    return { completeRoute: median(both), route: median(route) }
  } finally {
    await stop()
  }
}

/**
 * The estimated wait against the wait that followed, in a simulated lane: `servers` interviewers
 * with exponential interview durations (mean 30 min), Poisson arrivals at `load` × their capacity;
 * every request that finds nobody free is held and given the estimate a `queued` reply would carry.
 */
function estimateError(load: number, servers: number, arrivals: number, seed: number): { held: number; estimated: number; mae: number; bias: number; meanWait: number } {
  let x = seed >>> 0
  const rand = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    return (x + 0.5) / 4294967296
  }
  const exp = (mean: number) => -Math.log(rand()) * mean
  const MIN = 60_000
  const lane = 'english'
  const est = new WaitEstimator()
  const ix = new HeldIndex<HeldItem & { estimate: number | null }>(new Aging(0, 0))
  // Busy interviewers' end times (ms), kept sorted.
  const ends: number[] = []
  const busy = (end: number) => {
    ends.push(end)
    ends.sort((a, b) => a - b)
  }
  let t = 0
  let seq = 0
  let held = 0
  let n = 0
  let absErr = 0
  let bias = 0
  let waitSum = 0
  const perMin = (load * servers) / 30
  const serveUntil = (until: number) => {
    while (ends.length > 0 && ends[0] <= until) {
      const now = ends.shift() as number
      const next = ix.servable(ANY_FREED, 1, new Set())[0]
      if (!next) continue
      ix.remove(next)
      est.assigned(lane, now)
      busy(now + exp(30) * MIN)
      if (next.estimate !== null) {
        const actual = (now - next.at) / MIN
        absErr += Math.abs(next.estimate - actual)
        bias += next.estimate - actual
        waitSum += actual
        n++
      }
    }
  }
  for (let i = 0; i < arrivals; i++) {
    t += exp(1 / perMin) * MIN
    serveUntil(t)
    if (ends.length < servers) {
      busy(t + exp(30) * MIN)
      continue
    }
    const it = { filter: { language: lane, budget: 100, sensitivity: false, sla_min: 10_000 }, priority: 0, at: t, seq: ++seq, key: 0, estimate: null as number | null }
    ix.add(it)
    it.estimate = est.estimate(lane, ix.rank(it))
    held++
  }
  return { held, estimated: n, mae: n ? absErr / n : 0, bias: n ? bias / n : 0, meanWait: n ? waitSum / n : 0 }
}

export default async function heldBench(ctx: BenchContext): Promise<BenchSection> {
  const rounds = ctx.quick ? 60 : 300
  const sizes = ctx.quick ? [1_000, 10_000] : [100, 1_000, 10_000]
  ctx.progress('baseline: complete + route, route alone')
  const base = await baseline(rounds)
  const rows: (string | number)[][] = []
  let at10k = 0
  for (const n of sizes) {
    ctx.progress(`${n} held requests`)
    // Each round takes one held request: at most half of them, so the pool stays about n.
    const f = await freedSlot(n, Math.min(rounds, n / 2))
    if (n === 10_000) at10k = f.us
    rows.push([n, Math.round(f.us), f.attempts.toFixed(2), f.scanned.toFixed(1), (f.us / base.route).toFixed(1), (f.us / base.completeRoute).toFixed(2)])
  }
  ctx.progress('estimate error simulation')
  const sim: (string | number)[][] = []
  for (const load of [0.9, 1.0, 2.0]) {
    const r = estimateError(load, 10, ctx.quick ? 5_000 : 20_000, 7)
    sim.push([`${load}×`, r.held, r.estimated, r.meanWait.toFixed(1), r.mae.toFixed(1), r.bias.toFixed(1), r.meanWait > 0 ? `${((r.mae / r.meanWait) * 100).toFixed(0)} %` : '–'])
  }
  return {
    id: 'held',
    title: 'Held requests: the cost of one freed slot',
    command: 'npx tsx load/bench/held.ts',
    tables: [
      {
        title: `one freed slot (complete → a held request assigned), in-process bus, memory store, ${INTERVIEWERS} interviewers all full, median of up to ${rounds} (at most half the held requests)`,
        columns: ['held requests', 'µs per freed slot', 'routing attempts per slot', 'index entries looked at per slot', '× one route', '× complete + route'],
        rows,
      },
      {
        title: 'estimated wait vs the actual wait (simulation: one lane, 10 interviewers, exponential 30 min interviews, Poisson arrivals)',
        columns: ['arrivals vs capacity', 'held', 'held with an estimate', 'mean actual wait (min)', 'mean absolute error (min)', 'mean error (min, + = too long)', 'error / wait'],
        rows: sim,
      },
      {
        title: 'baselines in the same run',
        columns: ['what', 'µs (median)'],
        rows: [
          ['one route (assigned)', Math.round(base.route)],
          ['complete + route into the freed slot', Math.round(base.completeRoute)],
        ],
      },
    ],
    plots: [],
    ratios: [{ label: 'one freed slot with 10,000 held / one route', ours: at10k, baseline: base.route, unit: 'µs', goal: { op: '<=', value: 100 } }],
    notes: [
      'Before the index every freed slot ran a routing attempt for every held request, one after another (10,000 held: 10,000 attempts per slot).',
      'The held requests spread over six languages; each freed interviewer speaks one, so its pass reads one lane and attempts the best request it can serve.',
    ],
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick')
  const s = await heldBench({ quick, progress: (m) => process.stderr.write(`${m}\n`), tmpDir: '/tmp', databaseUrl: '', natsUrl: '' })
  console.log(JSON.stringify(s, null, 2))
}
