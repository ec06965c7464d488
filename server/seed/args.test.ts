// Flag parsing and progress formatting, without a process or a database.
import { describe, expect, it } from 'vitest'
import { ArgsError, parseSeedArgs } from './args.ts'
import { DEMO_SEED, DEMO_SIZES } from './index.ts'
import { formatEta, formatProgress } from './progress.ts'

describe('parseSeedArgs', () => {
  it('defaults to the demo dataset', () => {
    expect(parseSeedArgs([])).toEqual({ ...DEMO_SIZES, seed: DEMO_SEED, reset: false, json: false, help: false })
  })

  it('reads both --flag N and --flag=N, with digit separators', () => {
    expect(parseSeedArgs(['--users', '1_000_000', '--interviewers=100000', '--history-per-user', '0', '--seed=0', '--reset', '--json'])).toEqual({
      users: 1_000_000,
      interviewers: 100_000,
      historyPerUser: 0,
      seed: 0,
      reset: true,
      json: true,
      help: false,
    })
  })

  it('rejects anything else with code invalid_args', () => {
    for (const bad of [
      ['--users', '99'],
      ['--users', '2e5'],
      ['--users', ''],
      ['--seed', '4294967296'],
      ['--history-per-user', '51'],
      ['--interviewers'],
      ['--interviewers', '--reset'],
      ['users'],
      ['--json=1'],
      ['--seed', '1', '--seed', '2'],
    ]) {
      let err: unknown
      try {
        parseSeedArgs(bad)
      } catch (e) {
        err = e
      }
      expect(err, bad.join(' ')).toBeInstanceOf(ArgsError)
      expect((err as ArgsError).code).toBe('invalid_args')
    }
  })
})

describe('progress', () => {
  it('formats an ETA as m:ss or h:mm:ss', () => {
    expect(formatEta(5)).toBe('0:05')
    expect(formatEta(125)).toBe('2:05')
    expect(formatEta(3725)).toBe('1:02:05')
    expect(formatEta(Number.NaN)).toBe('--:--')
  })

  it('shows fraction, rows, rate and ETA, with a bar on a terminal', () => {
    const line = formatProgress(250_000, 1_000_000, 2.5, 'users', 10)
    expect(line.startsWith('[###.......]  25.0% 250,000/1,000,000 rows  100,000 rows/s  ETA 0:08  users')).toBe(true)
    expect(formatProgress(0, 100, 0, 'users')).toContain('ETA --:--')
  })
})
