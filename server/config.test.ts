import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULTS, isLoopback, loadConfig, redactUrl } from './config.ts'

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    return (err as ConfigError).problems
  }
  return []
}

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    const c = loadConfig({})
    expect(c.PORT).toBe(8000)
    expect(c.HOST).toBe('127.0.0.1')
    expect(c.DATABASE_URL).toBe('')
    expect(c.NATS_URL).toBe('')
    expect(c.DATA_DIR).toBe('./data')
    expect(c.LOG_LEVEL).toBe('info')
    expect(c.SUBJECT_PREFIX).toBe(DEFAULTS.SUBJECT_PREFIX)
    expect(c.NODE_ID).toMatch(/^[A-Za-z0-9_-]+$/)
  })

  it('parses integers and booleans', () => {
    const c = loadConfig({ PORT: '9001', SEED_ON_EMPTY: 'false', GATHER_DEADLINE_MS: '20' })
    expect(c.PORT).toBe(9001)
    expect(c.SEED_ON_EMPTY).toBe(false)
    expect(c.GATHER_DEADLINE_MS).toBe(20)
  })

  it('lists every bad value at once', () => {
    const p = problems({ PORT: 'eighty', LOG_LEVEL: 'loud', SEED_ON_EMPTY: 'maybe', DATABASE_URL: 'mysql://x' })
    expect(p).toHaveLength(4)
    expect(p.join('\n')).toContain('PORT')
    expect(p.join('\n')).toContain('LOG_LEVEL')
  })

  it('rejects out-of-range numbers and inconsistent shards', () => {
    expect(problems({ PORT: '70000' })).toHaveLength(1)
    expect(problems({ SHARD_INDEX: '2', SHARD_COUNT: '2' })).toHaveLength(1)
    expect(problems({ PORT: '1.5' })).toHaveLength(1)
  })

  it('reads PRESENCE_GRACE_S (default 30 s) and refuses a negative or fractional one', () => {
    expect(loadConfig({}).PRESENCE_GRACE_S).toBe(30)
    expect(loadConfig({ PRESENCE_GRACE_S: '2' }).PRESENCE_GRACE_S).toBe(2)
    expect(problems({ PRESENCE_GRACE_S: '-1' })).toHaveLength(1)
    expect(problems({ PRESENCE_GRACE_S: '0.5' })).toHaveLength(1)
  })

  it('refuses a non-loopback HOST without JWT_SECRET (open local mode is loopback-only)', () => {
    expect(problems({ HOST: '0.0.0.0' })).toHaveLength(1)
    expect(problems({ HOST: '0.0.0.0', JWT_SECRET: 'a-long-enough-secret' })).toHaveLength(0)
    expect(problems({ JWT_SECRET: 'short' })).toHaveLength(1)
  })

  it('sanitises NODE_ID into one subject token', () => {
    expect(loadConfig({ NODE_ID: 'host.example:1' }).NODE_ID).toBe('host_example_1')
  })
})

describe('helpers', () => {
  it('recognises loopback hosts', () => {
    expect(isLoopback('127.0.0.1')).toBe(true)
    expect(isLoopback('localhost')).toBe(true)
    expect(isLoopback('::1')).toBe(true)
    expect(isLoopback('0.0.0.0')).toBe(false)
  })
  it('masks passwords in database URLs', () => {
    const r = redactUrl('postgres://bob:hunter2@db:5432/x')
    expect(r).not.toContain('hunter2')
    expect(r).toContain('db:5432')
  })
})
