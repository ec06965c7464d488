// The seed CLI as a child process: exit codes for bad input, an unreachable database, a non-empty
// database without --reset, and a real seeding run into a temp Postgres database (and PGlite).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createTempDatabase, hasPostgres } from '../../test/helpers/services.ts'
import { createStore } from '../store/index.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CLI = 'server/seed/cli.ts'

interface Run {
  code: number
  stdout: string
  stderr: string
}
function seed(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', LOG_LEVEL: 'error', ...env },
        timeout: 120_000,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

const cleanups: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const c of cleanups) await c()
})

describe('seed CLI input', () => {
  it('bad flags and sizes exit 2 with the usage', async () => {
    const bad = [
      ['--users', 'abc'],
      ['--users', '99'],
      ['--users', '1000001'],
      ['--interviewers', '9'],
      ['--interviewers', '100001'],
      ['--history-per-user', '51'],
      ['--history-per-user', '-1'],
      ['--seed', '1.5'],
      ['--users'],
      ['--bogus'],
      ['--reset=yes'],
      ['--users', '100', '--users', '200'],
    ]
    const runs = await Promise.all(bad.map((args) => seed(args, { DATA_DIR: '/nonexistent/never-created' })))
    runs.forEach((r, i) => {
      expect(r.code, bad[i].join(' ')).toBe(2)
      expect(r.stderr).toContain('usage:')
      expect(r.stdout).toBe('')
    })
  }, 120_000)

  it('an unreachable database exits non-zero naming host:port, without password or stack trace', async () => {
    const r = await seed(['--users', '100', '--interviewers', '10'], { DATABASE_URL: 'postgres://admin:hunter2-secret@127.0.0.1:1/x' })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('127.0.0.1:1')
    expect(r.stderr).not.toContain('hunter2-secret')
    expect(r.stderr).not.toMatch(/^\s+at /m)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe.runIf(await hasPostgres())('seed CLI on real Postgres', () => {
  it('seeds, refuses to seed twice without --reset, replaces with --reset', async () => {
    const db = await createTempDatabase('seedcli')
    cleanups.push(() => db.drop())
    const env = { DATABASE_URL: db.url }
    const first = await seed(['--users', '300', '--interviewers', '20', '--history-per-user', '2', '--seed', '9', '--json'], env)
    expect(first.code).toBe(0)
    const summary = JSON.parse(first.stdout) as { counts: { users: number; interviewers: number; interviews: number }; backend: string; peak_rss_mb: number }
    expect(summary.backend).toBe('postgres')
    expect(summary.counts).toMatchObject({ users: 300, interviewers: 20 })
    expect(summary.peak_rss_mb).toBeGreaterThan(0)
    // Not a TTY: plain progress lines, no carriage-return repaints.
    expect(first.stderr).not.toContain('\r')

    const store = await createStore({ databaseUrl: db.url, dataDir: 'unused' })
    cleanups.unshift(() => store.close())
    expect(await store.counts()).toMatchObject(summary.counts)
    const sums = await store.checksums()

    const again = await seed(['--users', '100', '--interviewers', '10'], env)
    expect(again.code).toBe(2)
    expect(await store.checksums()).toEqual(sums)

    const reset = await seed(['--users', '100', '--interviewers', '10', '--history-per-user', '0', '--reset'], env)
    expect(reset.code).toBe(0)
    expect(reset.stdout).toContain('100 users')
    expect(await store.counts()).toMatchObject({ users: 100, interviewers: 10, interviews: 0 })
  }, 120_000)
})

describe('seed CLI on PGlite', () => {
  it('seeds DATA_DIR when DATABASE_URL is unset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seedcli-'))
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }))
    const r = await seed(['--users', '100', '--interviewers', '10', '--history-per-user', '1', '--json'], { DATA_DIR: dir })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'pglite', counts: { users: 100, interviewers: 10 } })
  }, 120_000)
})
