// A small migration runner: each migration in its own transaction under a transaction-scoped advisory
// lock, so several nodes starting at once apply each migration exactly once.
import type { Db } from './db.ts'
import { MIGRATIONS, type Migration } from './migrations/index.ts'

/** Arbitrary constant naming this application's migration lock. */
const LOCK_KEY = 7_316_002_911

export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<{ applied: string[] }> {
  const applied: string[] = []
  for (;;) {
    const next = await db.transaction(async (tx) => {
      // The lock comes first: concurrent `create table if not exists` can otherwise collide.
      await tx.query('select pg_advisory_xact_lock($1::bigint)', [LOCK_KEY])
      await tx.exec(`create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`)
      const done = new Set((await tx.query<{ version: number }>('select version from schema_migrations')).map((r) => r.version))
      const m = migrations.find((x) => !done.has(x.version))
      if (!m) return null
      await tx.exec(m.sql)
      await tx.query('insert into schema_migrations (version, name) values ($1::int, $2::text)', [m.version, m.name])
      return m.name
    })
    if (next === null) return { applied }
    applied.push(next)
  }
}
