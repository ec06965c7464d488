// Storage, chosen in one place: real Postgres when a DATABASE_URL is given, embedded PGlite otherwise.
import type { Logger } from '../log.ts'
import { createPgliteStore } from './pglite.ts'
import { createPostgresStore } from './postgres.ts'
import type { Store } from './types.ts'

export { StoreError } from './errors.ts'
export type * from './types.ts'

export interface StoreOptions {
  /** Empty or undefined → embedded PGlite in dataDir. */
  databaseUrl?: string
  /** PGlite data folder, or 'memory://'. */
  dataDir: string
  log?: Logger
}

/** Opens the store (does not migrate: call store.migrate()). Unreachable → StoreError('unavailable'). */
export async function createStore(opts: StoreOptions): Promise<Store> {
  const store = opts.databaseUrl ? await createPostgresStore({ url: opts.databaseUrl, log: opts.log }) : await createPgliteStore({ dataDir: opts.dataDir })
  opts.log?.debug({ kind: store.kind, location: store.location }, 'store opened')
  return store
}
