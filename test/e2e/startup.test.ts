// Start-up refusals of the real entry: a bad setting stops the process with exit code 2 and a
// message naming it, before anything is opened.
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

function start(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      res({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out: stdout + stderr })
    })
  })
}

describe('start-up configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ HOST: '0.0.0.0' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ RATE_LIMIT_RPS: '0' }, 'RATE_LIMIT_RPS'],
  ])('%j → exit 2 naming %s', async (env, name) => {
    const r = await start(env)
    expect(r.code).toBe(2)
    expect(r.out).toContain(name)
  })
})
