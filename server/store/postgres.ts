// The Store on real Postgres through postgres.js: a small pool, errors mapped to StoreError codes,
// and bulkLoad streaming COPY text lines with backpressure (constant memory at any size).
import { once } from 'node:events'
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
    // Only the first connection error surfaces; the pool retries on the next query.
    connection: { application_name: 'interview-router' },
  })
  const q = queryer(sql, where)
  const db: Db = {
    ...q,
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
  const bulk = async (table: SeedTable, chunks: AsyncIterable<CopyChunk> | Iterable<CopyChunk>): Promise<number> => {
    let n = 0
    try {
      const stream = await sql.unsafe(copyStatement(table, 'stdin')).writable()
      const done = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve)
        stream.on('error', reject)
      })
      done.catch(() => {}) // observed below; an early error also rejects the drain wait
      for await (const chunk of chunks) {
        n += chunk.rows
        // Backpressure: never run ahead of the socket, so memory stays flat at any size.
        if (!stream.write(chunk.text)) await once(stream, 'drain')
      }
      stream.end()
      await done
    } catch (err) {
      throw toStoreError(err, where)
    }
    return n
  }
  return new SqlStore('postgres', redactUrl(opts.url), db, bulk)
}
