// Messages between the load driver's coordinator and its worker threads, and the run's report.
import type { RouteRequest } from '../../client/protocol.ts'
import type { Scenario } from './args.ts'

export interface WorkerTask {
  index: number
  scenario: Scenario
  url: string
  token: string | undefined
  encoding: 'json' | 'msgpack'
  /** This worker's share of the arrival rate, or null for closed loop. */
  rate: number | null
  duration_ms: number
  conns: number
  pipeline: number
  /** HTTP requests written ahead of their responses per connection (1: no HTTP pipelining). */
  http_window: number
  /** Open loop: a connection with this many requests outstanding sheds new arrivals (bounded memory). */
  max_in_flight: number
  users: number
  service_ms: number
  /** Complete every acknowledged assignment service_ms later, so queues drain (steady state). */
  complete: boolean
  /** Interviewer ids this worker runs consoles for (interviewers / soak). */
  consoles: number[]
  seed: number
  run_id: string
  /** Acknowledged assignments to keep for the replay check. */
  sample: number
}

/** One acknowledged assignment, kept to replay its request_id after the run. */
export interface Ack {
  request: RouteRequest
  interviewer_id: number
  assignment_id: string | undefined
}

export interface WorkerTick {
  kind: 'tick'
  index: number
  sent: number
  done: number
  /** Compressed HDR histogram of latencies (µs) recorded since the last tick. */
  interval: string
}

export interface WorkerResult {
  kind: 'result'
  index: number
  sent: number
  done: number
  /** Route outcomes: RouteResult.status, or `error:<code>` / `http:<status>`. */
  outcomes: Record<string, number>
  /** Driver-side failures: connect errors, shed arrivals, unanswered at the end. */
  errors: Record<string, number>
  /** Other messages' outcomes (completes, accepts, availability). */
  side: Record<string, number>
  histogram: string
  acks: Ack[]
  assignments_by_interviewer: Record<string, number>
  /** Milliseconds the worker's event loop spent from first to last send. */
  elapsed_ms: number
}

/** Sending began (connections are open) or ended (drain follows): the CPU sampling window. */
export interface WorkerStarted {
  kind: 'started'
  index: number
}
export interface WorkerStopped {
  kind: 'stopped'
  index: number
}

export type WorkerMessage = WorkerTick | WorkerResult | WorkerStarted | WorkerStopped

export interface CpuFigures {
  /** user+sys CPU over the run, in % of one core. */
  server_pct: number | null
  /** The server's busiest thread (event loop, or a worker such as PGlite's), in % of one core. */
  server_busiest_thread_pct: number | null
  /** The server's main thread (its uWS event loop), in % of one core. */
  server_event_loop_pct: number | null
  driver_pct: number
  /** The driver's busiest thread (a load worker), in % of one core. */
  driver_busiest_thread_pct: number | null
  cores: number
  /** Whole machine busy %, all cores. */
  machine_pct: number | null
  /**
   * The server's embedded database thread (PGlite's worker), busy in % of wall time, from its
   * /metrics counter router_store_thread_busy_seconds_total; null when the server has none (Postgres).
   * Wall time, so it includes waiting for a core while executing: it says whether commits queue.
   */
  server_store_busy_pct: number | null
  /**
   * The server's event loop busy in % of wall time (event-loop utilisation, from /metrics
   * router_event_loop_busy_seconds_total): every request and reply passes through it.
   */
  server_loop_busy_pct: number | null
}

export interface Violation {
  check: 'capacity' | 'replay' | 'spread' | 'state'
  detail: string
}

export interface LoadReport {
  scenario: Scenario
  rate: number | null
  duration_ms: number
  conns: number
  workers: number
  sent: number
  done: number
  outcomes: Record<string, number>
  errors: Record<string, number>
  side: Record<string, number>
  throughput: number
  latency_ms: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number }
  /** Completed requests per second, one point per second of the run. */
  timeline: { t_s: number; rps: number; p99_ms: number }[]
  /** Latency percentile curve: [percentile, ms]. */
  percentiles: [number, number][]
  cpu: CpuFigures
  invariants: { checked: boolean; replayed: number; cv: number | null; interviewers_seen: number; violations: Violation[] }
  saturated: 'server' | 'server_loop' | 'server_store' | 'server_cores' | 'driver' | 'machine' | 'neither' | 'unknown'
}
