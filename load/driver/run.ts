// The load driver's coordinator: spreads connections and arrival rate over worker threads, merges
// their histograms, samples CPU of server and driver, and checks invariants after the run.
import { Worker } from 'node:worker_threads'
import { cpus } from 'node:os'
import type { Histogram } from 'hdr-histogram-js'
import type { DriverOptions } from './args.ts'
import { findPidByPort, machineBusyPct, processCpu, sampleMachine, sampleProcess, type MachineSample, type ProcSample } from './cpu.ts'
import { checkInvariants } from './invariants.ts'
import { latencyOf, mergeInto, newHistogram, percentileCurve } from './stats.ts'
import type { CpuFigures, LoadReport, WorkerMessage, WorkerResult, WorkerTask } from './types.ts'

export interface Progress {
  t_s: number
  sent: number
  done: number
  rps: number
  p99_ms: number
}

const SAMPLE_ACKS = 400
const MAX_IN_FLIGHT = 2048
const SATURATED_PCT = 85
/** Server CPU at least this many times the driver's, all cores busy: the server is the limit. */
const SERVER_SHARE = 3

function split(total: number, parts: number, i: number): number {
  return Math.floor(total / parts) + (i < total % parts ? 1 : 0)
}

export async function runLoad(o: DriverOptions, onProgress: (p: Progress) => void = () => {}): Promise<LoadReport> {
  const workers = Math.max(1, Math.min(o.workers, o.conns))
  const port = Number(new URL(o.url).port || 80)
  const serverPid = o.server_pid ?? findPidByPort(port)
  const run_id = `ld${Date.now().toString(36)}`
  const tasks: WorkerTask[] = Array.from({ length: workers }, (_, index) => {
    const conns = split(o.conns, workers, index)
    return {
      index,
      scenario: o.scenario,
      url: o.url,
      token: o.token,
      encoding: o.encoding,
      rate: o.rate === null ? null : (o.rate * conns) / o.conns,
      duration_ms: o.duration_ms,
      conns,
      pipeline: o.pipeline,
      http_window: o.http_pipelining ? o.pipeline : 1,
      max_in_flight: o.rate === null ? o.pipeline : MAX_IN_FLIGHT,
      users: o.users,
      service_ms: o.service_ms,
      complete: o.complete,
      consoles: o.scenario === 'interviewers' || o.scenario === 'soak' ? Array.from({ length: o.interviewers }, (_, k) => k + 1).filter((id) => id % workers === index) : [],
      seed: o.seed,
      run_id,
      sample: Math.ceil(SAMPLE_ACKS / workers),
    }
  })

  const total = newHistogram()
  const buckets: Histogram[] = []
  const ticksSeen = new Array<number>(workers).fill(0)
  const sent = new Array<number>(workers).fill(0)
  const done = new Array<number>(workers).fill(0)
  const results: WorkerResult[] = []
  // CPU is sampled from the moment every worker is sending until the first one stops, so worker
  // start-up (module compilation), connecting and draining do not blur the figures.
  let a: Sample | null = null
  let b: Sample | null = null
  let busyA: Promise<ServerBusy | null> = Promise.resolve(null)
  let busyB: Promise<ServerBusy | null> | null = null
  let started = 0
  let emitted = 0

  await Promise.all(
    tasks.map(
      (task) =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(new URL('./boot.mjs', import.meta.url), { workerData: { entry: new URL('./worker.ts', import.meta.url).href, task } })
          w.on('message', (m: WorkerMessage) => {
            if (m.kind === 'result') {
              results.push(m)
              return
            }
            if (m.kind === 'started') {
              if (++started === workers) {
                a = sample(serverPid)
                busyA = serverBusy(o.url)
              }
              return
            }
            if (m.kind === 'stopped') {
              if (a !== null && b === null) {
                b = sample(serverPid)
                busyB = serverBusy(o.url)
              }
              return
            }
            const n = ticksSeen[m.index]!++
            sent[m.index] = m.sent
            done[m.index] = m.done
            const bucket = (buckets[n] ??= newHistogram())
            mergeInto(bucket, m.interval)
            // Emit second n once every worker reported it.
            while (emitted < buckets.length && ticksSeen.every((c) => c > emitted)) {
              const b = buckets[emitted] as Histogram
              onProgress({ t_s: emitted + 1, sent: sum(sent), done: sum(done), rps: b.totalCount, p99_ms: b.totalCount ? b.getValueAtPercentile(99) / 1000 : 0 })
              emitted++
            }
          })
          w.on('error', reject)
          w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load worker ${task.index} exited with ${code}`))))
        }),
    ),
  )

  const cpu = cpuFigures(a, b ?? sample(serverPid))
  const [ba, bb] = [await busyA, await (busyB ?? serverBusy(o.url))]
  cpu.server_store_busy_pct = busyPct(ba, bb, 'store')
  cpu.server_loop_busy_pct = busyPct(ba, bb, 'loop')

  const outcomes: Record<string, number> = {}
  const errors: Record<string, number> = {}
  const side: Record<string, number> = {}
  const by: Record<string, number> = {}
  for (const r of results) {
    mergeInto(total, r.histogram)
    addAll(outcomes, r.outcomes)
    addAll(errors, r.errors)
    addAll(side, r.side)
    addAll(by, r.assignments_by_interviewer)
  }
  const sendSeconds = Math.max(...results.map((r) => r.elapsed_ms), 1) / 1000
  const answered = sum(results.map((r) => r.done))
  const invariants = o.check
    ? { checked: true, ...(await checkInvariants({ url: o.url, token: o.token, acks: results.flatMap((r) => r.acks), by_interviewer: by, max_cv: o.max_cv })) }
    : { checked: false, replayed: 0, cv: null, interviewers_seen: 0, violations: [] }
  const saturated = verdict(cpu)

  return {
    scenario: o.scenario,
    rate: o.rate,
    duration_ms: o.duration_ms,
    conns: o.conns,
    workers,
    sent: sum(results.map((r) => r.sent)),
    done: answered,
    outcomes,
    errors,
    side,
    throughput: answered / sendSeconds,
    latency_ms: latencyOf(total),
    timeline: trimEmptyTail(buckets).map((b, i) => ({ t_s: i + 1, rps: b.totalCount, p99_ms: b.totalCount ? b.getValueAtPercentile(99) / 1000 : 0 })),
    percentiles: percentileCurve(total),
    cpu,
    invariants,
    saturated,
  }
}

/**
 * Which side ran out of CPU: a single-threaded event loop saturates at one core, so the busiest
 * thread is what counts; when neither loop is pegged but every core is busy, the machine is.
 */
export function verdict(c: CpuFigures): LoadReport['saturated'] {
  const server = c.server_busiest_thread_pct
  const driver = c.driver_busiest_thread_pct ?? 0
  if (server === null) return 'unknown'
  if (server >= SATURATED_PCT && server >= driver) return 'server'
  if (driver >= SATURATED_PCT) return 'driver'
  // The embedded database thread executes every commit in turn: busy nearly all the time, it is the
  // server's limit even while waiting for a core keeps its CPU figure lower.
  if ((c.server_store_busy_pct ?? 0) >= SATURATED_PCT) return 'server_store'
  // Likewise the event loop: busy nearly all the wall time, requests queue in front of it.
  if ((c.server_loop_busy_pct ?? 0) >= SATURATED_PCT) return 'server_loop'
  // Every core busy, no thread pegged: the server's threads (event loop, PGlite worker, uWS) spread
  // over the cores. If the server takes most of them and the driver little, the server is the limit.
  const share = c.server_pct ?? 0
  if ((c.machine_pct ?? 0) >= 95 && share > 0 && share >= SERVER_SHARE * c.driver_pct) return 'server_cores'
  if ((c.machine_pct ?? 0) >= 95) return 'machine'
  return 'neither'
}

/** The last ticks arrive after sending stopped (drain); they are not part of the run's timeline. */
function trimEmptyTail(buckets: Histogram[]): Histogram[] {
  let n = buckets.length
  while (n > 0 && (buckets[n - 1] as Histogram).totalCount === 0) n--
  return buckets.slice(0, n)
}

interface Sample {
  at: number
  server: ProcSample | null
  self: ProcSample | null
  machine: MachineSample | null
  usage: NodeJS.CpuUsage
}

function sample(serverPid: number | null): Sample {
  return { at: performance.now(), server: serverPid === null ? null : sampleProcess(serverPid), self: sampleProcess(process.pid), machine: sampleMachine(), usage: process.cpuUsage() }
}

function cpuFigures(a: Sample | null, b: Sample): CpuFigures {
  const server = a?.server && b.server ? processCpu(a.server, b.server) : null
  const self = a?.self && b.self ? processCpu(a.self, b.self) : null
  const secs = a ? (b.at - a.at) / 1000 : 0
  const used = a ? (b.usage.user - a.usage.user + b.usage.system - a.usage.system) / 1e6 : 0
  return {
    server_pct: server?.pct ?? null,
    server_busiest_thread_pct: server?.busiest_thread_pct ?? null,
    server_event_loop_pct: server?.main_thread_pct ?? null,
    driver_pct: secs > 0 ? (used / secs) * 100 : 0,
    driver_busiest_thread_pct: self?.busiest_thread_pct ?? null,
    cores: cpus().length,
    machine_pct: a?.machine && b.machine ? machineBusyPct(a.machine, b.machine) : null,
    server_store_busy_pct: null,
    server_loop_busy_pct: null,
  }
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)
function addAll(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v
}

export interface ServerBusy {
  at: number
  store: number | null
  loop: number | null
}

/** The server's busy counters from /metrics (null when unreachable; a missing counter is null). */
async function serverBusy(url: string): Promise<ServerBusy | null> {
  const at = performance.now()
  try {
    const text = await (await fetch(new URL('/metrics', url), { signal: AbortSignal.timeout(2000) })).text()
    const read = (name: string): number | null => {
      const m = new RegExp(`^${name} ([\\d.]+)$`, 'm').exec(text)
      return m ? Number(m[1]) : null
    }
    return { at, store: read('router_store_thread_busy_seconds_total'), loop: read('router_event_loop_busy_seconds_total') }
  } catch {
    return null
  }
}

/** Share of the wall time between two samples that a counter of busy seconds grew by (capped at 100 %). */
export function busyPct(a: ServerBusy | null, b: ServerBusy | null, k: 'store' | 'loop'): number | null {
  const x = a?.[k]
  const y = b?.[k]
  if (!a || !b || x == null || y == null || b.at <= a.at) return null
  return Math.min(100, ((y - x) * 1000 * 100) / (b.at - a.at))
}
