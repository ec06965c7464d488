// Runs the load driver from a benchmark module, with benchmark defaults and progress lines.
import { cpus } from 'node:os'
import type { DriverOptions } from '../driver/args.ts'
import { runLoad } from '../driver/run.ts'
import type { LoadReport } from '../driver/types.ts'
import type { BenchContext } from './types.ts'

export async function drive(ctx: BenchContext, label: string, o: Partial<DriverOptions> & Pick<DriverOptions, 'url' | 'scenario'>): Promise<LoadReport> {
  const opts: DriverOptions = {
    rate: null,
    duration_ms: 5000,
    conns: 64,
    token: undefined,
    workers: Math.max(1, cpus().length - 1),
    pipeline: 1,
    http_pipelining: false,
    encoding: 'msgpack',
    users: 1000,
    service_ms: 20,
    complete: false,
    interviewers: 0,
    server_pid: null,
    check: false,
    max_cv: 2,
    seed: 1,
    json: false,
    ...o,
  }
  ctx.progress(`${label}: starting`)
  const r = await runLoad(opts, (p) => ctx.progress(`${label}: ${p.t_s}s ${p.rps.toLocaleString('en-US')}/s p99 ${p.p99_ms.toFixed(2)} ms`))
  ctx.progress(`${label}: ${Math.round(r.throughput).toLocaleString('en-US')}/s p99 ${r.latency_ms.p99} ms`)
  return r
}

const pct = (n: number | null): string => (n === null ? '?' : `${n.toFixed(0)}%`)

/** Server / driver CPU, in % of one core, as table cells. */
export const cpuCells = (r: LoadReport): string[] => [
  `${pct(r.cpu.server_pct)} (loop ${pct(r.cpu.server_event_loop_pct)}, busiest thread ${pct(r.cpu.server_busiest_thread_pct)})`,
  pct(r.cpu.driver_pct),
]

/** Outcomes as a compact "assigned 93%, at_capacity 7%" cell. */
export function outcomeCell(r: LoadReport): string {
  const total = Object.values(r.outcomes).reduce((a, b) => a + b, 0) || 1
  const errs = Object.entries(r.errors).map(([k, v]) => `${k} ${v}`)
  return [
    ...Object.entries(r.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${((v / total) * 100).toFixed(v === total ? 0 : 1)}%`),
    ...errs,
  ].join(', ')
}

/** x for a latency-percentile plot: 1 = p90, 2 = p99, 3 = p99.9 ("nines"), so the tail is visible. */
export const nines = (p: number): number => (p >= 100 ? 5 : -Math.log10(1 - p / 100))
