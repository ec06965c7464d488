// Bench: HTTP `POST /v1/route` requests/s, closed loop with curl-like connections (one request in
// flight each) and with pipelining, against the 10,000 req/s goal.
import type { LoadReport } from '../driver/types.ts'
import { cpuCells, drive, nines, outcomeCell } from './drive.ts'
import { resetQueues, sharedServer } from './procs.ts'
import type { BenchContext, BenchSection, BenchTable } from './types.ts'

const GOAL_RPS = 10_000
/** The reference Python demo (seed 001) handles about this many route requests per second. */
const REFERENCE_DEMO_RPS = 150

export default async function httpBench(ctx: BenchContext): Promise<BenchSection> {
  const duration_ms = ctx.quick ? 2000 : 8000
  // One request in flight per connection, as curl with keep-alive: the gateway does not answer
  // pipelined HTTP/1.1 requests (measured: a connection with several written requests stalls).
  const levels = ctx.quick
    ? [{ conns: 64, pipeline: 1 }]
    : [
        { conns: 16, pipeline: 1 },
        { conns: 64, pipeline: 1 },
        { conns: 256, pipeline: 1 },
      ]
  const server = await sharedServer(ctx.tmpDir)
  const runs: LoadReport[] = []
  const rows: BenchTable['rows'] = []
  for (const { conns, pipeline } of levels) {
    await resetQueues(server.url)
    const r = await drive(ctx, `http ${conns}x${pipeline}`, {
      url: server.url,
      scenario: 'http-burst',
      conns,
      pipeline,
      duration_ms,
      complete: true,
      service_ms: 20,
      server_pid: server.pid,
      check: runs.length === 0,
    })
    runs.push(r)
    const l = r.latency_ms
    rows.push([conns, pipeline, Math.round(r.throughput), l.p50, l.p90, l.p99, l.max, ...cpuCells(r), outcomeCell(r)])
  }
  const best = runs.reduce((a, b) => (b.throughput > a.throughput ? b : a))
  const inv = runs[0]?.invariants
  return {
    id: 'http',
    title: 'HTTP route requests/s',
    command: 'npm run bench -- --only http',
    tables: [
      {
        title: `Closed loop, ${duration_ms / 1000} s per row, keep-alive connections, driver on the same cores`,
        columns: ['conns', 'in flight / conn', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'server CPU', 'driver CPU', 'outcomes'],
        rows,
      },
    ],
    plots: [
      {
        id: 'http-latency',
        title: 'HTTP route latency distribution',
        x_label: 'percentile (1 = p90, 2 = p99, 3 = p99.9)',
        y_label: 'ms',
        kind: 'line',
        series: runs.map((r, i) => ({ name: `${r.conns} conns × ${levels[i]?.pipeline ?? 1}`, points: r.percentiles.map(([p, v]) => [nines(p), v]) })),
      },
    ],
    ratios: [
      { label: 'HTTP route req/s vs the 10,000 req/s goal', ours: best.throughput, baseline: GOAL_RPS, unit: 'req/s', goal: { op: '>=', value: 1 } },
      { label: 'HTTP route req/s vs the reference Python demo (~150 req/s, not re-measured here)', ours: best.throughput, baseline: REFERENCE_DEMO_RPS, unit: 'req/s' },
    ],
    notes: [
      "Queues are emptied before each row; each acknowledged assignment then completes its interviewer's oldest active interview 20 ms later with `POST /v1/complete` on the same connection (not counted as a route), so queues drain.",
      `Invariants after the first run: ${inv === undefined ? 'not checked' : inv.violations.length === 0 ? `none violated (replayed ${inv.replayed} request_ids)` : inv.violations.map((v) => v.detail).join('; ')}.`,
    ],
  }
}
