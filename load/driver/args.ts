// Command-line options of `npm run load`, parsed and validated in one place (pure, no I/O).
export const SCENARIOS = ['ws-burst', 'http-burst', 'interviewers', 'soak'] as const
export type Scenario = (typeof SCENARIOS)[number]

export interface DriverOptions {
  scenario: Scenario
  /** Requests per second across all workers (open loop), or null for `--rate max` (closed loop). */
  rate: number | null
  duration_ms: number
  /** Connections across all workers. */
  conns: number
  url: string
  token: string | undefined
  workers: number
  /** Requests in flight per connection in closed-loop mode. */
  pipeline: number
  /** HTTP only: write requests ahead of responses (HTTP/1.1 pipelining); off by default. */
  http_pipelining: boolean
  encoding: 'json' | 'msgpack'
  /** Users ids are drawn from 1..users (the demo dataset has 1,000). */
  users: number
  /** interviewers / soak: an assignment is completed this long after it was acknowledged. */
  service_ms: number
  /** Complete assignments after service_ms (default for interviewers / soak; `--complete` for the others). */
  complete: boolean
  /** interviewers / soak: consoles that go online and accept offers (ids 1..n). */
  interviewers: number
  server_pid: number | null
  /** Skip the post-run invariant checks (benchmarks that target a bare echo server). */
  check: boolean
  /** Coefficient of variation of assignments above which load spread counts as a violation. */
  max_cv: number
  seed: number
  json: boolean
}

export class UsageError extends Error {
  readonly code = 'usage'
}

const DEFAULTS: Omit<DriverOptions, 'workers'> = {
  scenario: 'ws-burst',
  rate: 1000,
  duration_ms: 10_000,
  conns: 64,
  url: 'http://127.0.0.1:8000',
  token: undefined,
  pipeline: 8,
  http_pipelining: false,
  encoding: 'msgpack',
  users: 1000,
  service_ms: 200,
  complete: false,
  interviewers: 100,
  server_pid: null,
  check: true,
  max_cv: 2,
  seed: 1,
  json: false,
}

/** `10s`, `2m`, `500ms` or a bare number of seconds. */
export function parseDuration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim())
  if (!m) throw new UsageError(`bad duration ${JSON.stringify(raw)}: use e.g. 500ms, 10s, 2m`)
  const n = Number(m[1])
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000
  // Bounded: a load run is a measurement, never an open-ended process.
  if (ms < 100 || ms > 24 * 3600_000) throw new UsageError(`duration ${raw} out of range (100ms..24h)`)
  return ms
}

function positiveInt(name: string, raw: string, max: number): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be an integer in 1..${max}, got ${JSON.stringify(raw)}`)
  return n
}

/** Load generation only ever targets this machine: refuse anything but a loopback URL. */
export function assertLoopback(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError(`--url ${JSON.stringify(raw)} is not a URL`)
  }
  if (url.protocol !== 'http:') throw new UsageError(`--url must be http:// (got ${url.protocol})`)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  if (!loopback) throw new UsageError(`refusing to load ${url.host}: the driver only targets loopback (127.0.0.1, ::1, localhost)`)
  return url.origin
}

export function parseArgs(argv: readonly string[], cores: number): DriverOptions {
  const o: DriverOptions = { ...DEFAULTS, workers: Math.max(1, cores - 1) }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    if (flag === '--no-check') {
      o.check = false
      continue
    }
    if (flag === '--json') {
      o.json = true
      continue
    }
    if (flag === '--complete') {
      o.complete = true
      continue
    }
    if (flag === '--http-pipelining') {
      o.http_pipelining = true
      continue
    }
    const value = argv[++i]
    if (!flag.startsWith('--') || value === undefined) throw new UsageError(`expected --flag value, got ${JSON.stringify(flag)}`)
    switch (flag.slice(2)) {
      case 'scenario':
        if (!(SCENARIOS as readonly string[]).includes(value)) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')}`)
        o.scenario = value as Scenario
        break
      case 'rate':
        o.rate = value === 'max' ? null : positiveInt('rate', value, 10_000_000)
        break
      case 'duration':
        o.duration_ms = parseDuration(value)
        break
      case 'conns':
        o.conns = positiveInt('conns', value, 100_000)
        break
      case 'workers':
        o.workers = positiveInt('workers', value, 256)
        break
      case 'pipeline':
        o.pipeline = positiveInt('pipeline', value, 10_000)
        break
      case 'users':
        o.users = positiveInt('users', value, 100_000_000)
        break
      case 'service-ms':
        o.service_ms = positiveInt('service-ms', value, 3_600_000)
        break
      case 'interviewers':
        o.interviewers = positiveInt('interviewers', value, 1_000_000)
        break
      case 'server-pid':
        o.server_pid = positiveInt('server-pid', value, 2 ** 22)
        break
      case 'seed':
        o.seed = positiveInt('seed', value, 2 ** 31)
        break
      case 'url':
        o.url = value
        break
      case 'token':
        o.token = value
        break
      case 'max-cv':
        o.max_cv = Number(value)
        break
      case 'encoding':
        if (value !== 'json' && value !== 'msgpack') throw new UsageError('--encoding must be json or msgpack')
        o.encoding = value
        break
      default:
        throw new UsageError(`unknown flag ${flag}`)
    }
  }
  if (o.scenario === 'interviewers' || o.scenario === 'soak') o.complete = true
  o.url = assertLoopback(o.url)
  if (!Number.isFinite(o.max_cv) || o.max_cv <= 0) throw new UsageError('--max-cv must be a positive number')
  o.workers = Math.min(o.workers, o.conns)
  return o
}

export const USAGE = `npm run load -- --scenario ${SCENARIOS.join('|')} --rate R|max --duration D --conns C
  [--url http://127.0.0.1:8000] [--token T] [--workers N] [--pipeline P] [--http-pipelining] [--encoding msgpack|json]
  [--users U] [--complete] [--service-ms MS] [--interviewers N] [--server-pid PID] [--max-cv X] [--seed S] [--no-check] [--json]`
