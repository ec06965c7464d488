// Bench: raw uWebSockets.js echo ceiling vs WebSocket route round-trips (1, 64, 1,000 connections),
// both measured in the same run with the same driver, then p99 at half of the route peak.
import type { LoadReport } from '../driver/types.ts'
import { cpuCells, drive, nines, outcomeCell } from './drive.ts'
import { resetQueues, sharedServer, startEcho, startPostgresServer } from './procs.ts'
import type { BenchContext, BenchSection, BenchTable } from './types.ts'

/** Shares of the route peak measured open loop below the half-of-peak run (latency vs load). */
const CURVE_SHARES = [0.1, 0.25]

/** Requests in flight per connection: enough to keep the server busy, like a multiplexing backend. */
const LEVELS = [
  { conns: 1, pipeline: 1 },
  { conns: 64, pipeline: 4 },
  { conns: 1000, pipeline: 1 },
]

export default async function echoVsWs(ctx: BenchContext): Promise<BenchSection> {
  const duration_ms = ctx.quick ? 2000 : 8000
  const echo = await startEcho()
  const server = await sharedServer(ctx.tmpDir)
  const rows: BenchTable['rows'] = []
  const echoRuns: LoadReport[] = []
  const routeRuns: LoadReport[] = []
  let half: LoadReport
  let halfEcho: LoadReport
  /** Open-loop runs below half of peak, for the latency-vs-load curve: [share of peak, route, echo]. */
  const curve: [number, LoadReport, LoadReport][] = []
  try {
    for (const { conns, pipeline } of LEVELS) {
      const e = await drive(ctx, `echo ${conns} conns`, { url: echo.url, scenario: 'ws-burst', conns, pipeline, duration_ms, server_pid: echo.pid })
      // Completing each assignment shortly after it is acknowledged keeps queues from filling, so
      // the run measures routing and booking, not a stream of at_capacity refusals.
      await resetQueues(server.url)
      const r = await drive(ctx, `ws route ${conns} conns`, { url: server.url, scenario: 'ws-burst', conns, pipeline, duration_ms, complete: true, service_ms: 20, server_pid: server.pid })
      echoRuns.push(e)
      routeRuns.push(r)
      rows.push([
        conns,
        pipeline,
        Math.round(e.throughput),
        e.latency_ms.p50,
        e.latency_ms.p99,
        Math.round(r.throughput),
        r.latency_ms.p50,
        r.latency_ms.p99,
        `${((r.throughput / e.throughput) * 100).toFixed(1)}%`,
        ...cpuCells(r),
        outcomeCell(r),
      ])
    }
    const peak = Math.max(...routeRuns.map((r) => r.throughput))
    await resetQueues(server.url)
    half = await drive(ctx, 'ws route at half of peak', {
      url: server.url,
      scenario: 'ws-burst',
      rate: Math.max(1, Math.round(peak / 2)),
      conns: 64,
      duration_ms: duration_ms * 2,
      complete: true,
      service_ms: 20,
      server_pid: server.pid,
      check: true,
    })
    // The same schedule against the echo server: the latency floor of the driver and the transport.
    halfEcho = await drive(ctx, 'echo at the same rate', {
      url: echo.url,
      scenario: 'ws-burst',
      rate: half.rate ?? Math.round(peak / 2),
      conns: 64,
      duration_ms: duration_ms * 2,
      server_pid: echo.pid,
    })
    for (const share of CURVE_SHARES) {
      const rate = Math.max(1, Math.round(peak * share))
      await resetQueues(server.url)
      const r = await drive(ctx, `ws route at ${share * 100}% of peak`, { url: server.url, scenario: 'ws-burst', rate, conns: 64, duration_ms, complete: true, service_ms: 20, server_pid: server.pid })
      const e = await drive(ctx, `echo at ${share * 100}% of peak`, { url: echo.url, scenario: 'ws-burst', rate, conns: 64, duration_ms, server_pid: echo.pid })
      curve.push([share, r, e])
    }
    curve.push([0.5, half, halfEcho])
  } finally {
    await echo.stop()
  }
  // The same 64-connection cell against the server on real Postgres: how much the embedded store costs.
  let pgRun: LoadReport | null = null
  const pg = await startPostgresServer(ctx.tmpDir, ctx.databaseUrl)
  if (pg) {
    try {
      pgRun = await drive(ctx, 'ws route on Postgres, 64 conns', { url: pg.url, scenario: 'ws-burst', conns: 64, pipeline: 4, duration_ms, complete: true, service_ms: 20, server_pid: pg.pid })
    } finally {
      await pg.stop()
      await pg.drop()
    }
  }
  const peakRoute = routeRuns.reduce((a, b) => (b.throughput > a.throughput ? b : a))
  const peakEcho = echoRuns.reduce((a, b) => (b.throughput > a.throughput ? b : a))
  const l = half.latency_ms
  const el = halfEcho.latency_ms
  const inv = half.invariants
  return {
    id: 'echo-vs-ws',
    title: 'WebSocket: raw uWebSockets.js echo ceiling vs route round-trips',
    command: 'npm run bench -- --only echo-vs-ws',
    tables: [
      {
        title: `Closed loop, ${duration_ms / 1000} s per cell, MessagePack frames, driver on the same cores`,
        columns: ['conns', 'in flight / conn', 'echo msg/s', 'echo p50 ms', 'echo p99 ms', 'route/s', 'route p50 ms', 'route p99 ms', 'route / echo', 'server CPU', 'driver CPU', 'route outcomes'],
        rows,
      },
      {
        title: 'The 64-connection route cell with the server on real Postgres (DATABASE_URL) instead of embedded PGlite',
        columns: ['store', 'route/s', 'p50 ms', 'p99 ms', 'server CPU', 'driver CPU', 'outcomes'],
        rows: [
          ...(routeRuns[1]
            ? [['PGlite (default)', Math.round(routeRuns[1].throughput), routeRuns[1].latency_ms.p50, routeRuns[1].latency_ms.p99, ...cpuCells(routeRuns[1]), outcomeCell(routeRuns[1])]]
            : []),
          pgRun
            ? ['Postgres 15', Math.round(pgRun.throughput), pgRun.latency_ms.p50, pgRun.latency_ms.p99, ...cpuCells(pgRun), outcomeCell(pgRun)]
            : ['Postgres', 'not reachable at --database-url', '', '', '', '', ''],
        ],
      },
      {
        title: `Open loop at half of the route peak (${half.rate?.toLocaleString('en-US')} routes/s, 64 conns, ${(duration_ms * 2) / 1000} s)`,
        columns: ['server', 'routes/s', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'server CPU', 'driver CPU', 'outcomes', 'invariant violations'],
        rows: [
          [
            'route',
            Math.round(half.throughput),
            l.p50,
            l.p90,
            l.p99,
            l.p999,
            l.max,
            ...cpuCells(half),
            outcomeCell(half),
            `${inv.violations.length} (replayed ${inv.replayed}, CV ${inv.cv?.toFixed(2) ?? 'n/a'})`,
          ],
          ['raw echo (floor)', Math.round(halfEcho.throughput), el.p50, el.p90, el.p99, el.p999, el.max, ...cpuCells(halfEcho), '', ''],
        ],
      },
      {
        title: `Latency vs load: open loop at shares of the route peak (64 conns, the same schedule against the echo server)`,
        columns: ['share of peak', 'routes/s', 'route p50 ms', 'route p99 ms', 'route p99.9 ms', 'echo p50 ms', 'echo p99 ms', 'server CPU', 'route outcomes'],
        rows: curve.map(([share, r, e]) => [
          `${share * 100}%`,
          Math.round(r.throughput),
          r.latency_ms.p50,
          r.latency_ms.p99,
          r.latency_ms.p999,
          e.latency_ms.p50,
          e.latency_ms.p99,
          cpuCells(r)[0] as string,
          outcomeCell(r),
        ]),
      },
    ],
    plots: [
      {
        id: 'ws-throughput',
        title: 'WebSocket route throughput over time',
        x_label: 'second of run',
        y_label: 'answered per second',
        kind: 'line',
        series: [
          ...routeRuns.map((r) => ({ name: `closed loop, ${r.conns} conns`, points: r.timeline.map((p): [number, number] => [p.t_s, p.rps]) })),
          { name: 'open loop, half of peak', points: half.timeline.map((p): [number, number] => [p.t_s, p.rps]) },
        ],
      },
      {
        id: 'ws-latency',
        title: 'WebSocket round-trip latency distribution',
        x_label: 'percentile (1 = p90, 2 = p99, 3 = p99.9)',
        y_label: 'ms',
        kind: 'line',
        log_y: true,
        series: [
          { name: 'route at half of peak', points: half.percentiles.map(([p, v]) => [nines(p), v]) },
          { name: 'echo at the same rate', points: halfEcho.percentiles.map(([p, v]) => [nines(p), v]) },
          { name: `route peak, ${peakRoute.conns} conns`, points: peakRoute.percentiles.map(([p, v]) => [nines(p), v]) },
          { name: `echo, ${peakEcho.conns} conns`, points: peakEcho.percentiles.map(([p, v]) => [nines(p), v]) },
        ],
      },
      {
        id: 'ws-latency-load',
        title: 'WebSocket p50 and p99 vs offered load (open loop)',
        x_label: 'routes/s offered',
        y_label: 'ms',
        kind: 'line',
        log_y: true,
        series: [
          { name: 'route p99', points: curve.map(([, r]): [number, number] => [r.rate ?? r.throughput, r.latency_ms.p99]) },
          { name: 'route p50', points: curve.map(([, r]): [number, number] => [r.rate ?? r.throughput, r.latency_ms.p50]) },
          { name: 'echo p99 (floor)', points: curve.map(([, , e]): [number, number] => [e.rate ?? e.throughput, e.latency_ms.p99]) },
          { name: '5 ms goal', points: curve.map(([, r]): [number, number] => [r.rate ?? r.throughput, 5]) },
        ],
      },
      {
        id: 'echo-vs-ws',
        title: 'Echo ceiling vs route round-trips by connections',
        x_label: 'connections',
        y_label: 'per second',
        kind: 'bar',
        series: [
          { name: 'raw uWS echo', points: echoRuns.map((r) => [r.conns, r.throughput]) },
          { name: 'route', points: routeRuns.map((r) => [r.conns, r.throughput]) },
        ],
      },
    ],
    ratios: [
      { label: 'WebSocket route round-trips/s vs raw echo ceiling (best of each)', ours: peakRoute.throughput, baseline: peakEcho.throughput, unit: 'msg/s', goal: { op: '>=', value: 0.3 } },
      { label: 'p99 at half of peak vs the 5 ms goal', ours: l.p99, baseline: 5, unit: 'ms', goal: { op: '<=', value: 1 } },
    ],
    notes: [
      'Echo and route cells use the same driver, frames and connection counts; the echo server returns each frame unchanged (no decoding), so it is the transport ceiling on this machine.',
      "Queues are emptied before each route cell; each acknowledged assignment then completes its interviewer's oldest active interview 20 ms later on the same connection (retried while none is active yet; not counted as a route), so the run stays in steady state instead of filling every queue.",
      `Half-of-peak run invariants: ${inv.violations.length === 0 ? 'none violated' : inv.violations.map((v) => `${v.check}: ${v.detail}`).join('; ')}.`,
      "Latency in the open-loop run is measured from each request's scheduled send time (no coordinated omission). The driver wakes every millisecond (timer resolution) and that lateness is charged too: the raw echo row, the same schedule against the echo server, is the floor of the measurement.",
    ],
  }
}
