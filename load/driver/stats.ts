// Latency histograms (HDR, microseconds) and the driver's end-of-run summary table.
import * as hdr from 'hdr-histogram-js'
import type { Histogram } from 'hdr-histogram-js'
import type { LoadReport } from './types.ts'

export const newHistogram = (): Histogram => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false })

export function mergeInto(target: Histogram, encoded: string): void {
  target.add(hdr.decodeFromCompressedBase64(encoded))
}

const ms = (us: number): number => Math.round(us) / 1000

export function latencyOf(h: Histogram): LoadReport['latency_ms'] {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 }
  return {
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  }
}

/** The percentile curve a latency-distribution plot draws: 0 … 99.99. */
export function percentileCurve(h: Histogram): [number, number][] {
  if (h.totalCount === 0) return []
  const ps = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99]
  return ps.map((p) => [p, ms(h.getValueAtPercentile(p))])
}

/** Coefficient of variation (std / mean) of counts; null for fewer than two values. */
export function coefficientOfVariation(values: readonly number[]): number | null {
  if (values.length < 2) return null
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  if (mean === 0) return null
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length
  return Math.sqrt(variance) / mean
}

const fmt = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2))

function table(rows: [string, string][]): string {
  const w = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')
}

const sorted = (m: Record<string, number>): [string, string][] =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [`  ${k}`, fmt(v)])

const SATURATION: Record<LoadReport['saturated'], string> = {
  server: 'server (its busiest thread >= 85% of a core: the server, not the driver, is the limit)',
  server_loop: 'server (its event loop busy >= 85% of the time: every request queues in front of it; the server, not the driver, is the limit)',
  server_store: 'server (its database thread busy >= 85% of the time: every commit queues behind it; the server, not the driver, is the limit)',
  server_cores: "server (all cores busy, the server using at least 3x the driver's CPU over its threads: the cores the server runs on are the limit, not the driver)",
  driver: 'DRIVER (a load worker thread >= 85% of a core: add --workers or cores; the figures understate the server)',
  machine: 'machine (all cores busy, neither event loop pegged: server, driver and other processes share the cores)',
  neither: 'neither (add load: raise --rate, --conns or --pipeline)',
  unknown: 'unknown (server pid not found; pass --server-pid)',
}

export function formatReport(r: LoadReport): string {
  const l = r.latency_ms
  const c = r.cpu
  const rows: [string, string][] = [
    ['scenario', `${r.scenario}  rate ${r.rate === null ? 'max (closed loop)' : `${fmt(r.rate)}/s`}  ${r.duration_ms / 1000}s  ${r.conns} conns  ${r.workers} workers`],
    ['sent', fmt(r.sent)],
    ['answered', fmt(r.done)],
    ['outcomes', ''],
    ...sorted(r.outcomes),
    ['errors', Object.keys(r.errors).length === 0 ? 'none' : ''],
    ...sorted(r.errors),
    ...(Object.keys(r.side).length > 0 ? ([['other messages', ''], ...sorted(r.side)] as [string, string][]) : []),
    ['throughput', `${fmt(Math.round(r.throughput))} routes/s`],
    ['latency ms', `p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  p99.9 ${l.p999}  max ${l.max}`],
    [
      'server CPU',
      c.server_pct === null
        ? 'unknown (pass --server-pid)'
        : `${c.server_pct.toFixed(0)}% of a core (busiest thread ${c.server_busiest_thread_pct?.toFixed(0) ?? '?'}%, event loop ${c.server_event_loop_pct?.toFixed(0) ?? '?'}%)`,
    ],
    ...(c.server_loop_busy_pct === null && c.server_store_busy_pct === null
      ? []
      : [
          [
            'server busy',
            `${[
              c.server_loop_busy_pct === null ? null : `event loop ${c.server_loop_busy_pct.toFixed(0)}%`,
              c.server_store_busy_pct === null ? null : `database thread ${c.server_store_busy_pct.toFixed(0)}%`,
            ]
              .filter(Boolean)
              .join(', ')} of the wall time (includes waiting for a core)`,
          ] as [string, string],
        ]),
    ['driver CPU', `${c.driver_pct.toFixed(0)}% of a core (busiest thread ${c.driver_busiest_thread_pct?.toFixed(0) ?? '?'}%, ${r.workers} load workers)`],
    ['machine', c.machine_pct === null ? 'unknown' : `${c.machine_pct.toFixed(0)}% busy over ${c.cores} cores (server + driver + anything else running)`],
    ['saturated', SATURATION[r.saturated]],
  ]
  const inv = r.invariants
  if (inv.checked) {
    rows.push(['invariants', inv.violations.length === 0 ? 'OK (0 violations)' : `${inv.violations.length} VIOLATIONS`])
    rows.push(['  replayed', `${inv.replayed} acknowledged request_ids`])
    rows.push(['  spread', `CV ${inv.cv === null ? 'n/a' : inv.cv.toFixed(2)} over ${inv.interviewers_seen} interviewers`])
    for (const v of inv.violations) rows.push([`  ! ${v.check}`, v.detail])
  }
  return table(rows)
}
