// Every Store backend a storage suite runs on: PGlite in a temp folder, and real Postgres in a temp
// database when it is reachable (under CI it must be: hasPostgres throws otherwise).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createStore, type Store } from '../../server/store/index.ts'
import { createTempDatabase, hasPostgres } from './services.ts'

export interface StoreBackend {
  name: 'pglite' | 'postgres'
  open(): Promise<{ store: Store; dispose(): Promise<void> }>
}

export async function storeBackends(label: string): Promise<StoreBackend[]> {
  const backends: StoreBackend[] = [
    {
      name: 'pglite',
      async open() {
        const dir = mkdtempSync(join(tmpdir(), `${label}-`))
        const store = await createStore({ dataDir: dir })
        return {
          store,
          dispose: async () => {
            await store.close()
            rmSync(dir, { recursive: true, force: true })
          },
        }
      },
    },
  ]
  if (await hasPostgres()) {
    backends.push({
      name: 'postgres',
      async open() {
        const db = await createTempDatabase(label)
        const store = await createStore({ databaseUrl: db.url, dataDir: 'unused' })
        return {
          store,
          dispose: async () => {
            await store.close()
            await db.drop()
          },
        }
      },
    })
  }
  return backends
}
