// Child processes the benchmarks start and stop themselves: the real server (PGlite in a temp
// DATA_DIR, on a free loopback port) and the raw echo server. Never a server someone else started.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const READY_TIMEOUT_MS = 180_000

export interface Proc {
  url: string
  port: number
  pid: number
  stop(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

async function waitReady(url: string, child: ChildProcess, tail: () => string): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before it was ready:\n${tail()}`)
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
      if (res.ok) return
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000}s:\n${tail()}`)
}

async function start(args: string[], env: Record<string, string>, port: number, root = ROOT): Promise<Proc> {
  // node --import tsx directly (not npm / the tsx wrapper) so the pid is the process that serves.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  const keep = (b: Buffer): void => {
    log = (log + b.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const url = `http://127.0.0.1:${port}`
  try {
    await waitReady(url, child, () => log)
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    url,
    port,
    pid: child.pid as number,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
        child.once('exit', () => {
          clearTimeout(force)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}

export async function startEcho(): Promise<Proc> {
  const port = await freePort()
  return start([join(ROOT, 'load/bench/echo-server.ts'), String(port)], {}, port)
}

/**
 * The real server on embedded PGlite and the in-process bus. A minimal environment on purpose:
 * an inherited DATABASE_URL / NATS_URL / JWT_SECRET must not change what is measured. The per-peer
 * rate limit is lifted because every benchmark client shares one loopback address.
 */
let shared: Promise<Proc> | null = null

/** One server shared by the transport benchmarks (start-up seeds the demo dataset: seconds). */
export function sharedServer(tmpDir: string): Promise<Proc> {
  shared ??= startServer(tmpDir)
  return shared
}

/** Stops the shared server; the harness calls it once all modules ran. */
export async function stopShared(): Promise<void> {
  const s = shared
  shared = null
  if (s) await (await s.catch(() => null))?.stop()
}

/** The server of this checkout, or of another one (`root`, e.g. an older commit checked out beside it). */
export async function startServer(tmpDir: string, extra: Record<string, string> = {}, root = ROOT): Promise<Proc> {
  const port = await freePort()
  const dataDir = join(tmpDir, `data-${port}`)
  mkdirSync(dataDir, { recursive: true })
  const env = { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_RPS: '100000000', RATE_LIMIT_BURST: '100000000', ...extra }
  return start([join(root, 'server/main.ts')], env, port, root)
}

/** Empties every queue (operator endpoint, open local mode) so each measured cell starts alike. */
export async function resetQueues(url: string): Promise<void> {
  const res = await fetch(`${url}/v1/admin/reset_queues`, { method: 'POST', signal: AbortSignal.timeout(10_000) })
  if (!res.ok) throw new Error(`reset_queues answered ${res.status}`)
}

/**
 * The same server on real Postgres (a temp database created and dropped here), to show what the
 * embedded PGlite costs. Null when Postgres is not reachable.
 */
export async function startPostgresServer(tmpDir: string, adminUrl: string): Promise<(Proc & { databaseUrl: string; drop(): Promise<void> }) | null> {
  const name = `bench_${randomBytes(4).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} })
  try {
    await admin.unsafe(`create database "${name}"`)
  } catch {
    await admin.end({ timeout: 1 })
    return null
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const drop = async (): Promise<void> => {
    try {
      await admin.unsafe(`drop database if exists "${name}" with (force)`)
    } finally {
      await admin.end({ timeout: 1 })
    }
  }
  try {
    const proc = await startServer(tmpDir, { DATABASE_URL: url.toString() })
    return { ...proc, databaseUrl: url.toString(), drop }
  } catch (err) {
    await drop()
    throw err
  }
}
