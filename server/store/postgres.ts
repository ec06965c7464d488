// The Store on real Postgres through postgres.js: a small pool, errors mapped to StoreError codes,
// and bulkLoad streaming COPY text lines with backpressure (constant memory at any size).
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import postgres from 'postgres'
import { redactUrl } from '../config.ts'
import type { Logger } from '../log.ts'
import { copyStatement } from './copy.ts'
import type { Db, Queryer, Row } from './db.ts'
import { StoreError, toStoreError } from './errors.ts'
import { SqlStore } from './sql-store.ts'
import type { CopyChunk, SeedTable } from './types.ts'

type Sql = postgres.Sql | postgres.TransactionSql
type Params = postgres.ParameterOrJSON<never>[]

/** host:port of a database URL: what error messages may name (never the password). */
export function hostPort(url: string): string {
  try {
    const u = new URL(url)
    return `${u.hostname || 'localhost'}:${u.port || '5432'}`
  } catch {
    return '<unparseable url>'
  }
}

function queryer(sql: Sql, where: string): Queryer {
  return {
    async query<T extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      try {
        return (await sql.unsafe(text, params as Params)) as unknown as T[]
      } catch (err) {
        throw toStoreError(err, where)
      }
    },
    async exec(text: string): Promise<void> {
      try {
        // The simple protocol is the one that accepts several statements in one string.
        await sql.unsafe(text).simple()
      } catch (err) {
        throw toStoreError(err, where)
      }
    },
  }
}

class SourceFailure extends Error {}

/** Marks errors thrown by the row source, to tell them apart from the database's. */
async function* guarded<T>(source: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  try {
    for await (const x of source) yield x
  } catch (err) {
    throw new SourceFailure('row source failed', { cause: err })
  }
}

export interface PostgresOptions {
  url: string
  max?: number
  log?: Logger
}

export async function createPostgresStore(opts: PostgresOptions): Promise<SqlStore> {
  const where = hostPort(opts.url)
  const sql = postgres(opts.url, {
    max: opts.max ?? 10,
    connect_timeout: 5,
    idle_timeout: 30,
    onnotice: () => {},
    // Custom plans always: the commit shapes are kept prepared from the first batches on, while a new
    // database's live tables are tiny, and a generic plan cached then (a sequential scan of
    // assignments) is never revisited until an ANALYZE, which with autovacuum off never comes; the
    // soak bench saw throughput fall by a quarter in two minutes. Parsing stays cached; planning a
    // batch costs well under a millisecond against a table that keeps growing.
    connection: { application_name: 'interview-router', plan_cache_mode: 'force_custom_plan' },
  })
  const q = queryer(sql, where)
  const db: Db = {
    ...q,
    async queryPrepared<T extends Row = Row>(text: string, params: readonly unknown[]): Promise<T[]> {
      try {
        return (await sql.unsafe(text, params as Params, { prepare: true })) as unknown as T[]
      } catch (err) {
        throw toStoreError(err, where)
      }
    },
    async transaction<R>(fn: (tx: Queryer) => Promise<R>): Promise<R> {
      try {
        return (await sql.begin((tx) => fn(queryer(tx, where)))) as R
      } catch (err) {
        throw toStoreError(err, where)
      }
    },
    async close(): Promise<void> {
      await sql.end({ timeout: 2 })
    },
  }
  try {
    await db.query('select 1')
  } catch (err) {
    await sql.end({ timeout: 0 }).catch(() => {})
    const e = toStoreError(err, where)
    throw e.code === 'unavailable' ? e : new StoreError('unavailable', `cannot use database at ${where}: ${e.message}`, { cause: err })
  }
  await warnIfAutovacuumOff(db, opts.log)
  const bulk = async (table: SeedTable, parts: readonly CopySource[]): Promise<number> => {
    try {
      if (parts.length === 1) return await loadFrozen(sql, table, parts[0])
      return await loadSideBySide(sql, table, parts)
    } catch (err) {
      // The source's own failure is rethrown as it is; only database errors become StoreErrors.
      throw err instanceof SourceFailure ? err.cause : toStoreError(err, where)
    }
  }
  return new SqlStore('postgres', redactUrl(opts.url), db, bulk)
}

/**
 * With autovacuum off nothing refreshes the planner's statistics as the live tables grow, so the
 * store analyzes stale tables itself after migrating (SqlStore.migrate); say so once at start-up.
 */
async function warnIfAutovacuumOff(db: Db, log: Logger | undefined): Promise<void> {
  const [r] = await db.query<{ autovacuum: string }>('show autovacuum')
  if (r?.autovacuum !== 'on')
    log?.warn('Postgres autovacuum is OFF: table statistics are only refreshed when this server analyzes the tables it writes (at start-up and after bulk loads); turn autovacuum on')
}

type CopySource = AsyncIterable<CopyChunk> | Iterable<CopyChunk>

/**
 * One stream, one transaction. Into a table emptied in this same transaction, COPY FREEZE writes rows
 * already frozen and all-visible: the index builds and ANALYZE that follow (and later vacuums) need
 * not dirty and rewrite every page to set hint bits. The lock keeps "empty" true until commit.
 */
async function loadFrozen(sql: postgres.Sql, table: SeedTable, chunks: CopySource): Promise<number> {
  return (await sql.begin(async (tx) => {
    await tx.unsafe(`lock table ${table} in access exclusive mode`)
    const [{ empty }] = await tx.unsafe<{ empty: boolean }[]>(`select not exists (select 1 from ${table}) as empty`)
    if (empty) await tx.unsafe(`truncate ${table}`)
    return copyIn(await tx.unsafe(copyStatement(table, 'stdin', empty)).writable(), chunks)
  })) as number
}

/**
 * Parts of one table side by side, one connection and transaction each (so no FREEZE, which needs
 * the table's truncation in the one transaction). Each part commits only once every part has been
 * copied; the first failure aborts the parts still streaming and rolls all of them back.
 */
async function loadSideBySide(sql: postgres.Sql, table: SeedTable, parts: readonly CopySource[]): Promise<number> {
  let failure: { error: unknown } | null = null
  let copied = 0
  let allCopied!: () => void
  let abort!: (e: unknown) => void
  const barrier = new Promise<void>((resolve, reject) => {
    allCopied = resolve
    abort = reject
  })
  barrier.catch(() => {})
  const fail = (error: unknown): void => {
    failure ??= { error }
    abort(error)
  }
  async function* abortable(chunks: CopySource): AsyncGenerator<CopyChunk> {
    for await (const c of chunks) {
      if (failure) throw new Error('another part of this load failed')
      yield c
    }
  }
  const settled = await Promise.allSettled(
    parts.map((chunks) =>
      sql.begin(async (tx) => {
        let rows: number
        try {
          rows = await copyIn(await tx.unsafe(copyStatement(table, 'stdin')).writable(), abortable(chunks))
        } catch (err) {
          fail(err)
          throw err
        }
        if (++copied === parts.length) allCopied()
        await barrier
        return rows
      }),
    ),
  )
  if (failure) throw (failure as { error: unknown }).error
  let n = 0
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason
    n += s.value as number
  }
  return n
}

/** Streams chunks into an open COPY FROM STDIN; a failing source aborts it (the error propagates). */
async function copyIn(s: Writable, chunks: CopySource): Promise<number> {
  let n = 0
  const done = new Promise<void>((resolve, reject) => {
    s.on('finish', resolve)
    s.on('error', reject)
  })
  done.catch(() => {}) // observed below; an early error also rejects the drain wait
  try {
    for await (const chunk of guarded(chunks)) {
      n += chunk.rows
      // Backpressure: never run ahead of the socket, so memory stays flat at any size. The callback
      // runs once the bytes are handed to the socket, when the chunk's buffer may be reused.
      const release = chunk.done
      if (!s.write(chunk.text, release && (() => release()))) await once(s, 'drain')
    }
    s.end()
    await done
  } catch (err) {
    // A failing source must abort the COPY (CopyFail): left open, it holds its connection and a
    // lock on the table forever. Nothing of an aborted COPY is kept.
    if (!s.destroyed) {
      s.destroy(err instanceof Error ? err : new Error(String(err)))
      await done.catch(() => {})
    }
    throw err
  }
  return n
}
