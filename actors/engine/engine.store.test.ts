// The engine integration suite on the real stores: in-process bus + embedded PGlite, and real NATS
// + real Postgres (a fresh temp database per test).
import { afterAll, describe } from 'vitest'
import { createTempDatabase, hasNats, hasPostgres, TEST_NATS_URL } from '../../test/helpers/services.ts'
import { createStore } from '../../server/store/index.ts'
import { LocalBus } from '../bus/local.ts'
import { NatsBus } from '../bus/nats.ts'
import { engineSuite, type StoreHarness } from '../testing/engine-suite.ts'
import type { Store } from '../../server/store/types.ts'

function harness(store: Store, drop: () => Promise<void>): StoreHarness {
  return {
    store,
    async seed(users, interviewers) {
      await store.bulkLoad('users', [users])
      await store.bulkLoad('interviewers', [interviewers])
    },
    async close() {
      await store.close()
      await drop()
    },
  }
}

// One embedded database for the whole file (starting PGlite takes seconds), emptied per test.
let shared: Promise<Store> | undefined
afterAll(async () => {
  if (shared) await (await shared).close()
})
async function pglite(): Promise<StoreHarness> {
  shared ??= createStore({ dataDir: 'memory://' }).then(async (s) => {
    await s.migrate()
    return s
  })
  const store = await shared
  await store.reset()
  return { ...harness(store, async () => {}), close: async () => {} }
}

async function postgresStore(): Promise<StoreHarness> {
  const db = await createTempDatabase('eng')
  const store = await createStore({ databaseUrl: db.url, dataDir: '' })
  await store.migrate()
  return harness(store, () => db.drop())
}

engineSuite({ name: 'in-process bus + PGlite', bus: async (shared) => shared ?? new LocalBus(), store: pglite })

const ok = (await hasNats()) && (await hasPostgres())
describe.runIf(ok)('with NATS and Postgres', () => {
  engineSuite({ name: 'NATS + Postgres', bus: async () => NatsBus.connect({ url: TEST_NATS_URL }), store: postgresStore })
})
