// Configuration, read in one place: defaults in one object, env parsed and validated once.
// process.env is touched nowhere else; a bad value stops start-up with a message naming it.
import { hostname } from 'node:os'

export const DEFAULTS = {
  PORT: 8000,
  HOST: '127.0.0.1',
  DATABASE_URL: '',
  DATA_DIR: './data',
  NATS_URL: '',
  JWT_SECRET: '',
  LOG_LEVEL: 'info',
  /** auto: pretty lines on a terminal, JSON otherwise; json or pretty force one. */
  LOG_FORMAT: 'auto',
  NODE_ID: '',
  SUBJECT_PREFIX: 'router',
  /** This node hosts interviewers whose id % SHARD_COUNT === SHARD_INDEX. */
  SHARD_INDEX: 0,
  SHARD_COUNT: 1,
  GATHER_DEADLINE_MS: 50,
  COMMIT_MAX_BATCH: 512,
  COMMIT_MAX_DELAY_MS: 2,
  MAILBOX_LIMIT: 10_000,
  MAX_INFLIGHT: 20_000,
  RATE_LIMIT_RPS: 5_000,
  RATE_LIMIT_BURST: 10_000,
  /** Failed authentications per source address: refill rate per second and bucket size (issue 17). */
  AUTH_FAIL_RPS: 10,
  AUTH_FAIL_BURST: 100,
  MAX_PAYLOAD_BYTES: 64 * 1024,
  MAX_BACKPRESSURE_BYTES: 1024 * 1024,
  OFFER_TIMEOUT_S: 0,
  /** An interviewer whose console sessions are all gone longer than this goes offline. */
  PRESENCE_GRACE_S: 30,
  SNAPSHOT_INTERVAL_S: 30,
  /** A node's lease on its persisted held requests: older than this (a dead node), another node takes them over. */
  HELD_LEASE_S: 15,
  /** Aging of held requests, in priority points per minute waited (0: off). */
  HELD_AGING_PER_MIN: 10,
  /** Held requests one node keeps; beyond it a request that would be held gets `unavailable`. */
  HELD_MAX_PER_NODE: 100_000,
  /** Held requests one principal may have on one node; beyond it `rate_limited`. */
  HELD_MAX_PER_PRINCIPAL: 1_000,
  SEED_ON_EMPTY: true,
} as const

export type Config = {
  -readonly [K in keyof typeof DEFAULTS]: (typeof DEFAULTS)[K] extends number ? number : (typeof DEFAULTS)[K] extends boolean ? boolean : string
}

export class ConfigError extends Error {
  readonly code = 'invalid_config'
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const LOG_FORMATS = ['auto', 'json', 'pretty']
const INT_RANGES: Partial<Record<keyof Config, [number, number]>> = {
  PORT: [0, 65535],
  SHARD_INDEX: [0, 1023],
  SHARD_COUNT: [1, 1024],
  GATHER_DEADLINE_MS: [1, 60_000],
  COMMIT_MAX_BATCH: [1, 100_000],
  COMMIT_MAX_DELAY_MS: [0, 10_000],
  MAILBOX_LIMIT: [1, 10_000_000],
  MAX_INFLIGHT: [1, 10_000_000],
  RATE_LIMIT_RPS: [1, 100_000_000],
  RATE_LIMIT_BURST: [1, 100_000_000],
  AUTH_FAIL_RPS: [1, 100_000_000],
  AUTH_FAIL_BURST: [1, 100_000_000],
  MAX_PAYLOAD_BYTES: [256, 64 * 1024 * 1024],
  MAX_BACKPRESSURE_BYTES: [1024, 1024 * 1024 * 1024],
  OFFER_TIMEOUT_S: [0, 86_400],
  PRESENCE_GRACE_S: [0, 86_400],
  SNAPSHOT_INTERVAL_S: [0, 86_400],
  HELD_LEASE_S: [1, 3_600],
  HELD_AGING_PER_MIN: [0, 1_000_000],
  HELD_MAX_PER_NODE: [1, 10_000_000],
  HELD_MAX_PER_PRINCIPAL: [1, 10_000_000],
}

/** Parses and validates configuration from an env-like object; throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = []
  const out = { ...DEFAULTS } as Config
  const rec = out as Record<string, string | number | boolean>
  for (const key of Object.keys(DEFAULTS) as (keyof Config)[]) {
    const raw = env[key]
    if (raw === undefined || raw === '') continue
    const def = DEFAULTS[key]
    if (typeof def === 'number') {
      const n = Number(raw)
      const [lo, hi] = INT_RANGES[key] ?? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < lo || n > hi) {
        problems.push(`${key}=${JSON.stringify(raw)} must be an integer from ${lo} to ${hi}`)
      } else rec[key] = n
    } else if (typeof def === 'boolean') {
      if (/^(1|true|yes|on)$/i.test(raw)) rec[key] = true
      else if (/^(0|false|no|off)$/i.test(raw)) rec[key] = false
      else problems.push(`${key}=${JSON.stringify(raw)} must be true or false`)
    } else rec[key] = raw
  }
  if (!LOG_LEVELS.includes(out.LOG_LEVEL)) problems.push(`LOG_LEVEL=${JSON.stringify(out.LOG_LEVEL)} must be one of ${LOG_LEVELS.join(', ')}`)
  if (!LOG_FORMATS.includes(out.LOG_FORMAT)) problems.push(`LOG_FORMAT=${JSON.stringify(out.LOG_FORMAT)} must be one of ${LOG_FORMATS.join(', ')}`)
  if (out.DATABASE_URL && !/^postgres(ql)?:\/\//.test(out.DATABASE_URL)) problems.push('DATABASE_URL must start with postgres:// or postgresql://')
  if (out.NATS_URL && !/^(nats|tls|ws|wss):\/\//.test(out.NATS_URL) && !/^[\w.-]+:\d+$/.test(out.NATS_URL)) problems.push('NATS_URL must look like nats://host:port')
  if (out.SHARD_INDEX >= out.SHARD_COUNT) problems.push(`SHARD_INDEX=${out.SHARD_INDEX} must be below SHARD_COUNT=${out.SHARD_COUNT}`)
  if (!/^[A-Za-z0-9_-]+$/.test(out.SUBJECT_PREFIX)) problems.push('SUBJECT_PREFIX must be one NATS token (letters, digits, _ and -)')
  if (!isLoopback(out.HOST) && !out.JWT_SECRET) problems.push(`HOST=${out.HOST} listens beyond this machine and requires JWT_SECRET (open local mode is loopback-only)`)
  if (out.JWT_SECRET && out.JWT_SECRET.length < 16) problems.push('JWT_SECRET must be at least 16 characters')
  if (!out.NODE_ID) out.NODE_ID = `${hostname()}-${process.pid}`
  if (!/^[A-Za-z0-9_-]+$/.test(out.NODE_ID)) out.NODE_ID = out.NODE_ID.replace(/[^A-Za-z0-9_-]/g, '_')
  if (problems.length) throw new ConfigError(problems)
  return out
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

/** The database URL with any password masked, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '<unparseable url>'
  }
}
