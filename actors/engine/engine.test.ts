// The engine integration suite on the in-process bus and on real NATS, with the in-memory store.
// The same suite takes real Postgres / PGlite stores through engineSuite's `store` parameter.
import { hasNats, TEST_NATS_URL } from '../../test/helpers/services.ts'
import { LocalBus } from '../bus/local.ts'
import { NatsBus } from '../bus/nats.ts'
import { engineSuite, type StoreHarness } from '../testing/engine-suite.ts'
import { FakeStore } from '../testing/fake-store.ts'
import { describe } from 'vitest'

async function fakeStore(): Promise<StoreHarness> {
  const store = new FakeStore()
  return {
    store,
    async seed(users, interviewers) {
      for (const u of users) store.users.set(u.id, u)
      store.interviewers = interviewers
    },
    async close() {},
  }
}

engineSuite({ name: 'in-process bus + memory store', bus: async (shared) => shared ?? new LocalBus(), store: fakeStore })

const natsOk = await hasNats()
describe.runIf(natsOk)('with NATS', () => {
  engineSuite({ name: 'NATS + memory store', bus: async () => NatsBus.connect({ url: TEST_NATS_URL }), store: fakeStore })
})
