// Starts the real server process (`node --import tsx server/main.ts`) on a free port with a temp
// data folder, waits for /healthz, and returns a handle to talk to, restart, signal and dispose it.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import WebSocket from 'ws'
import { decodeFrame, encodeFrame, type Encoding } from '../../client/codec.ts'

const ROOT = resolve(import.meta.dirname, '../..')
// The real entry once the routing core and store exist; the fake engine (test/e2e/fakes/main.ts, or
// ROUTER_E2E_ENTRY=fake) keeps the gateway testable without them.
const REAL = existsSync(join(ROOT, 'actors/index.ts')) && existsSync(join(ROOT, 'server/store/index.ts'))
export const ENTRY = process.env.ROUTER_E2E_ENTRY === 'fake' || !REAL ? 'test/e2e/fakes/main.ts' : 'server/main.ts'

export interface ServerHandle {
  url: string
  wsUrl: string
  port: number
  dataDir: string
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string
  exited(): Promise<number | null>
  /** Sends a signal and waits for exit; resolves the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
  /** Stops and starts again on the same port and data folder. */
  restart(): Promise<void>
  dispose(): Promise<void>
}

export interface StartOptions {
  env?: Record<string, string>
  /** Reuse a data folder (e.g. to restart on the same data). */
  dataDir?: string
  port?: number
}

export async function startServer(opts: StartOptions = {}): Promise<ServerHandle> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'router-e2e-'))
  const ownsDir = !opts.dataDir
  let proc: ChildProcess
  let out = ''
  // A fixed port rather than PORT=0: libusockets sets SO_REUSEADDR only for a non-zero port, and
  // without it a restart on the same port fails while the old connections sit in TIME_WAIT.
  let port = opts.port ?? (await freePort())
  let exit: Promise<number | null>

  const launch = async () => {
    out = ''
    proc = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        NATS_URL: '',
        JWT_SECRET: '',
        LOG_LEVEL: 'warn',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    exit = new Promise((res) => proc.once('exit', (code) => res(code)))
    const listening = new Promise<number>((res, rej) => {
      const onData = (chunk: Buffer) => {
        out += chunk.toString()
        const m = /listening on http:\/\/[^\s:]+:(\d+)/.exec(out)
        if (m) res(Number(m[1]))
      }
      proc.stdout!.on('data', onData)
      proc.stderr!.on('data', (c: Buffer) => {
        out += c.toString()
      })
      void exit.then((code) => rej(new Error(`server exited (${code}) before listening:\n${out}`)))
    })
    port = await listening
    await waitHealthy(`http://127.0.0.1:${port}`)
  }
  await launch()

  const handle: ServerHandle = {
    get url() {
      return `http://127.0.0.1:${port}`
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}/v1/ws`
    },
    get port() {
      return port
    },
    dataDir,
    output: () => out,
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
      return exit
    },
    async restart() {
      await handle.stop()
      await launch()
    },
    async dispose() {
      await handle.stop('SIGTERM')
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return handle
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => res(port))
    })
  })
}

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`${url}/healthz`)
      if (r.ok) return
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url}/healthz never became healthy`)
}

/** JSON POST helper returning status and parsed body. */
/** A decoded frame or body; tests narrow it with the protocol types. */
export type Frame = Record<string, unknown>

export async function post<T = Frame>(url: string, body: unknown, token?: string, method = 'POST'): Promise<{ status: number; body: T }> {
  const r = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await r.text()
  return { status: r.status, body: (text ? JSON.parse(text) : null) as T }
}

export async function get<T = Frame>(url: string, token?: string): Promise<{ status: number; body: T }> {
  const r = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  const text = await r.text()
  return { status: r.status, body: (r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T }
}

/** The HTTP status a WebSocket upgrade gets: 101 when it opens, else the refusal's status (and body). */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Frame | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.on('unexpected-response', (_req, res) => {
      let text = ''
      res.on('data', (c: Buffer) => {
        text += c.toString()
      })
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Frame) : null })
        ws.terminate()
      })
    })
    ws.on('open', () => {
      resolve({ status: 101, body: null })
      ws.close()
    })
    ws.on('error', () => {})
  })
}

/** A bare WebSocket that collects every frame, for tests that speak the protocol by hand. */
export class RawWs {
  readonly frames: Frame[] = []
  #waiters: { pred: (m: Frame) => boolean; resolve: (m: Frame) => void }[] = []
  closeCode: number | null = null
  readonly closed: Promise<number>

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const m = decodeFrame(data, isBinary) as Frame
      this.frames.push(m)
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(m)) return true
        w.resolve(m)
        return false
      })
    })
    this.closed = new Promise((res) =>
      ws.on('close', (code) => {
        this.closeCode = code
        res(code)
      }),
    )
  }

  static open(url: string, token?: string): Promise<RawWs> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {})
      const raw = new RawWs(ws)
      ws.once('open', () => resolve(raw))
      ws.once('error', reject)
    })
  }

  send(msg: unknown, encoding: Encoding = 'json'): void {
    this.ws.send(encodeFrame(msg, encoding))
  }

  next<T = Frame>(pred: (m: Frame) => boolean, timeoutMs = 10_000): Promise<T> {
    const seen = this.frames.find(pred)
    if (seen) return Promise.resolve(seen as T)
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-3))}`)), timeoutMs)
      this.#waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(t)
          resolve(m as T)
        },
      })
    })
  }

  /** Sends a request and waits for its reply (by `re`). */
  async call<T = Frame>(msg: { id: string | number; [k: string]: unknown }, encoding: Encoding = 'json'): Promise<T> {
    this.send(msg, encoding)
    return this.next<T>((m) => m.re === msg.id)
  }

  close(): void {
    this.ws.close()
  }
}
