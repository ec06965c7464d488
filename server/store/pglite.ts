// The Store on embedded PGlite, which runs on a worker thread behind a small message-port RPC so
// its synchronous WebAssembly never blocks the event loop. Data lives in DATA_DIR ('memory://' for
// a throwaway in-memory database).
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { copyStatement } from './copy.ts'
import type { Db, Queryer, Row, Step } from './db.ts'
import { StoreError, toStoreError } from './errors.ts'
import type { WorkerReply, WorkerRequest } from './pglite-worker.ts'
import { SqlStore } from './sql-store.ts'
import { startTsWorker } from './ts-worker.ts'
import type { CopyChunk, SeedTable } from './types.ts'

type Pending = { resolve: (r: WorkerReply & { ok: true }) => void; reject: (e: Error) => void }
type Call = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never

/** Bytes per COPY chunk handed to the worker; large chunks amortise the message hop. */
const COPY_CHUNK_BYTES = 4 * 1024 * 1024

class PgliteClient {
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  readonly #where: string
  #next = 1
  #dead: Error | null = null
  /** The worker's busy time as of its latest reply. */
  busyMs = 0

  constructor(dataDir: string, where: string, ready: Pending) {
    this.#where = where
    this.#pending.set(0, ready)
    this.#worker = startTsWorker(new URL('./pglite-worker.ts', import.meta.url), { dataDir })
    this.#worker.on('message', (r: WorkerReply) => {
      if (r.busy_ms !== undefined) this.busyMs = r.busy_ms
      const p = this.#pending.get(r.id)
      if (!p) return
      this.#pending.delete(r.id)
      if (r.ok) p.resolve(r)
      else p.reject(toStoreError(Object.assign(new Error(r.error.message), { code: r.error.code }), this.#where))
    })
    const die = (err: Error): void => {
      this.#dead = new StoreError('unavailable', `PGlite at ${where} stopped: ${err.message}`, { cause: err })
      for (const p of this.#pending.values()) p.reject(this.#dead)
      this.#pending.clear()
    }
    this.#worker.on('error', die)
    this.#worker.on('exit', (code) => die(new Error(`worker exited with code ${code}`)))
  }

  call(msg: Call): Promise<WorkerReply & { ok: true }> {
    if (this.#dead) return Promise.reject(this.#dead)
    const id = this.#next++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      this.#worker.postMessage({ ...msg, id })
    })
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate()
  }
}

function queryer(c: PgliteClient, tx?: number): Queryer {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const r = await c.call({ op: 'query', text, params: [...params], tx })
      return (r.rows ?? []) as T[]
    },
    async exec(text: string): Promise<void> {
      await c.call({ op: 'exec', text, tx })
    },
  }
}

export interface PgliteOptions {
  /** A folder, or 'memory://' for an in-memory database. */
  dataDir: string
}

export async function createPgliteStore(opts: PgliteOptions): Promise<SqlStore> {
  const memory = opts.dataDir === 'memory://'
  const dir = memory ? opts.dataDir : resolve(opts.dataDir)
  if (!memory) {
    try {
      mkdirSync(dir, { recursive: true })
    } catch (err) {
      throw new StoreError('unavailable', `cannot create PGlite data folder ${dir}: ${(err as Error).message}`, { cause: err })
    }
  }
  let client!: PgliteClient
  await new Promise<void>((resolveReady, reject) => {
    client = new PgliteClient(dir, dir, { resolve: () => resolveReady(), reject })
  })
  const db: Db = {
    ...queryer(client),
    async transaction<R>(fn: (tx: Queryer) => Promise<R>): Promise<R> {
      const { tx } = await client.call({ op: 'begin' })
      let result: R
      try {
        result = await fn(queryer(client, tx))
      } catch (err) {
        await client.call({ op: 'end', tx: tx!, commit: false }).catch(() => {})
        throw err
      }
      await client.call({ op: 'end', tx: tx!, commit: true })
      return result
    },
    async steps(list: readonly Step[]): Promise<Row[][]> {
      const r = await client.call({ op: 'steps', steps: list.map((s) => ({ text: s.text, params: [...s.params] })) })
      return r.sets ?? []
    },
    async queryPrepared<T extends Row = Row>(text: string, params: readonly unknown[]): Promise<T[]> {
      const r = await client.call({ op: 'prepared', text, params: [...params] })
      return (r.rows ?? []) as T[]
    },
    busyMs: () => client.busyMs,
    async close(): Promise<void> {
      await client.call({ op: 'close' }).catch(() => {})
      await client.terminate()
    },
  }
  // All chunks in one transaction, so a failed load keeps nothing (as an aborted COPY on Postgres).
  const bulk = async (table: SeedTable, parts: readonly (AsyncIterable<CopyChunk> | Iterable<CopyChunk>)[]): Promise<number> => {
    const text = copyStatement(table, "'/dev/blob'")
    const { tx } = await client.call({ op: 'begin' })
    let n = 0
    let chunk: (string | Uint8Array)[] = []
    let dones: (() => void)[] = []
    let bytes = 0
    // One chunk in flight while the next is generated: the worker loads as this thread encodes.
    let inFlight: Promise<unknown> = Promise.resolve()
    const flush = async (): Promise<void> => {
      const data = chunk
      chunk = []
      bytes = 0
      await inFlight
      inFlight = client.call({ op: 'copy', text, data, tx })
      inFlight.catch(() => {})
      // The call copied the data into its message: the source buffers may be reused.
      for (const d of dones) d()
      dones = []
    }
    try {
      // Parts one after another: PGlite runs one statement at a time.
      for (const chunks of parts)
        for await (const c of chunks) {
          chunk.push(c.text)
          if (c.done) dones.push(c.done)
          bytes += c.text.length
          n += c.rows
          if (bytes >= COPY_CHUNK_BYTES) await flush()
        }
      if (bytes) await flush()
      await inFlight
    } catch (err) {
      await inFlight.catch(() => {})
      await client.call({ op: 'end', tx: tx!, commit: false }).catch(() => {})
      throw err
    }
    await client.call({ op: 'end', tx: tx!, commit: true })
    return n
  }
  return new SqlStore('pglite', memory ? 'memory://' : dir, db, bulk)
}
