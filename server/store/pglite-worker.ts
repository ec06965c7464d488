// Runs PGlite on a worker thread: PGlite executes each statement synchronously in WebAssembly, which
// would stall the server's event loop. The main thread talks to it through pglite.ts's small RPC.
import { PGlite, protocol, type Transaction } from '@electric-sql/pglite'
import { parentPort, workerData } from 'node:worker_threads'

export type WorkerRequest =
  | { id: number; op: 'query'; text: string; params: unknown[]; tx?: number }
  | { id: number; op: 'prepared'; text: string; params: unknown[] }
  | { id: number; op: 'exec'; text: string; tx?: number }
  | { id: number; op: 'copy'; text: string; data: (string | Uint8Array)[]; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'steps'; steps: { text: string; params: unknown[] }[] }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' }

/** busy_ms: this thread's time handling requests so far (wall clock), for the store-busy gauge. */
export type WorkerReply = { busy_ms?: number } & (
  | { id: number; ok: true; rows?: Record<string, unknown>[]; tx?: number; sets?: Record<string, unknown>[][] }
  | { id: number; ok: false; error: { message: string; code?: string } }
)

const port = parentPort!
const { dataDir } = workerData as { dataDir: string }
const db = dataDir === 'memory://' ? new PGlite() : new PGlite(dataDir)
const txs = new Map<number, Transaction>()
const ends = new Map<number, (commit: boolean) => void>()
/** The request id of each transaction's `end`, answered once COMMIT or ROLLBACK has run. */
const pendingEnd = new Map<number, number>()
let nextTx = 0

/** Wall-clock ms spent handling requests, including time spent waiting for a core while handling one. */
let busyMs = 0
const reply = (r: WorkerReply): void => {
  r.busy_ms = busyMs
  port.postMessage(r)
}
function fail(id: number, err: unknown): void {
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : undefined
  reply({ id, ok: false, error: { message: err instanceof Error ? err.message : String(err), code } })
}

function target(tx: number | undefined): PGlite | Transaction {
  if (tx === undefined) return db
  const t = txs.get(tx)
  if (!t) throw Object.assign(new Error(`transaction ${tx} is not open`), { code: '25P01' })
  return t
}

function begin(id: number): void {
  const txId = ++nextTx
  let endId = 0
  const ended = new Promise<boolean>((resolve) => ends.set(txId, resolve))
  db.transaction(async (tx) => {
    txs.set(txId, tx)
    reply({ id, ok: true, tx: txId })
    const commit = await ended
    endId = pendingEnd.get(txId) ?? 0
    if (!commit) await tx.rollback()
  })
    .then(
      () => reply({ id: endId, ok: true }),
      (err: unknown) => (endId ? fail(endId, err) : fail(id, err)),
    )
    .finally(() => {
      txs.delete(txId)
      pendingEnd.delete(txId)
    })
}
/**
 * PGlite's JS protocol encoder measures and copies a string parameter one character at a time,
 * about a third of a large commit's time. A parameter the statement casts `$n::text::json` (or
 * `::text::jsonb`) is typed text, whose binary form is its UTF-8 bytes: it goes as bytes, encoded
 * natively, and Postgres reads the same value. Other parameters go as PGlite sends them.
 */
const BYTES_MIN = 256
const textParams = new Map<string, number[]>()
const encoder = new TextEncoder()
/**
 * Keeps bytes and renders anything else as PGlite's own text serializer does. PGlite types a
 * serializer's result as string, but its Bind encoder sends any ArrayBuffer view in binary format.
 */
const textOrBytes = ((v: unknown) => (v instanceof Uint8Array ? v : v instanceof Date ? v.toISOString() : String(v))) as (v: unknown) => string
const BYTES_OPTIONS = { serializers: { 25: textOrBytes } }

function jsonTextParams(text: string): number[] {
  let idx = textParams.get(text)
  if (!idx) {
    idx = [...text.matchAll(/\$(\d+)::text::jsonb?\b/g)].map((m) => Number(m[1]) - 1)
    if (textParams.size > 256) textParams.clear()
    textParams.set(text, idx)
  }
  return idx
}

async function query(m: Extract<WorkerRequest, { op: 'query' }>): Promise<Record<string, unknown>[]> {
  const { params, bytes } = withBytes(m.text, m.params)
  const res = await target(m.tx).query<Record<string, unknown>>(m.text, params, bytes ? BYTES_OPTIONS : undefined)
  return res.rows
}

/** Converts the `$n::text::json` parameters of a statement to UTF-8 bytes (see BYTES_OPTIONS). */
function withBytes(text: string, params: unknown[]): { params: unknown[]; bytes: boolean } {
  let bytes = false
  for (const i of jsonTextParams(text)) {
    const v = params[i]
    if (typeof v !== 'string' || v.length < BYTES_MIN) continue
    if (!bytes) params = params.slice()
    params[i] = encoder.encode(v)
    bytes = true
  }
  return { params, bytes }
}

/**
 * Named prepared statements for the few statement texts run over and over (the commit's shapes):
 * PGlite's query() parses and plans every call, about 1 ms of WebAssembly for a commit statement,
 * more than executing a small batch. Parse once, then Bind/Execute by name through PGlite's wire
 * protocol, under the same locks query() takes. Values come back as text.
 */
const MAX_PREPARED = 64
const prepared = new Map<string, string>()
let preparedSeq = 0

/** Wire-protocol messages run under the locks PGlite's own query() takes. */
const exclusive = (msg: Uint8Array) => db._runExclusiveTransaction(() => db._runExclusiveQuery(() => db.execProtocol(msg)))

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0))
  let at = 0
  for (const b of parts) {
    out.set(b, at)
    at += b.length
  }
  return out
}

async function queryPrepared(m: Extract<WorkerRequest, { op: 'prepared' }>): Promise<Record<string, unknown>[]> {
  const { params } = withBytes(m.text, m.params)
  let name = prepared.get(m.text)
  if (!name && prepared.size >= MAX_PREPARED) return (await db.query<Record<string, unknown>>(m.text, params, BYTES_OPTIONS)).rows
  const S = protocol.serialize
  if (!name) {
    // Parsed on its own first: a statement whose Parse succeeded exists under its name even if its
    // first execution then fails, so it is registered as soon as the Parse is through.
    name = `p${++preparedSeq}`
    await exclusive(join([S.parse({ name, text: m.text, types: [] }), S.sync()]))
    prepared.set(m.text, name)
  }
  const res = await exclusive(join([S.bind({ statement: name, values: params as (string | Uint8Array | null)[] }), S.describe({ type: 'P' }), S.execute({}), S.sync()]))
  let names: string[] = []
  const rows: Record<string, unknown>[] = []
  for (const r of res.messages) {
    if (r.name === 'rowDescription') names = (r as InstanceType<typeof protocol.messages.RowDescriptionMessage>).fields.map((f) => f.name)
    else if (r.name === 'dataRow') {
      const fields = (r as InstanceType<typeof protocol.messages.DataRowMessage>).fields
      const row: Record<string, unknown> = {}
      for (let i = 0; i < names.length; i++) row[names[i] as string] = fields[i]
      rows.push(row)
    }
  }
  return rows
}

async function handle(m: WorkerRequest): Promise<void> {
  switch (m.op) {
    case 'query':
      return reply({ id: m.id, ok: true, rows: await query(m) })
    case 'prepared':
      return reply({ id: m.id, ok: true, rows: await queryPrepared(m) })
    case 'exec':
      await target(m.tx).exec(m.text)
      return reply({ id: m.id, ok: true })
    case 'copy':
      await target(m.tx).query(m.text, [], { blob: new Blob(m.data) })
      return reply({ id: m.id, ok: true })
    case 'begin':
      return begin(m.id)
    case 'steps': {
      const steps = m.steps
      const sets = await db.transaction(async (tx) => {
        const out: Record<string, unknown>[][] = []
        for (const s of steps) out.push((await tx.query<Record<string, unknown>>(s.text, s.params)).rows)
        return out
      })
      return reply({ id: m.id, ok: true, sets })
    }
    case 'end': {
      const release = ends.get(m.tx)
      if (!release) throw Object.assign(new Error(`transaction ${m.tx} is not open`), { code: '25P01' })
      ends.delete(m.tx)
      pendingEnd.set(m.tx, m.id)
      return release(m.commit)
    }
    case 'close':
      await db.close()
      return reply({ id: m.id, ok: true })
  }
}

port.on('message', (m: WorkerRequest) => {
  const t0 = performance.now()
  handle(m)
    .catch((err: unknown) => fail(m.id, err))
    .finally(() => {
      busyMs += performance.now() - t0
    })
})
db.waitReady.then(
  () => reply({ id: 0, ok: true }),
  (err: unknown) => fail(0, err),
)
