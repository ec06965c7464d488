// Bulk loads of several parts of one table (the seeder's history on Postgres), on both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { User } from '../../actors/model/types.ts'
import { storeBackends } from '../../test/helpers/stores.ts'
import { makeUser, userBatches, type Sizes } from '../seed/generate/index.ts'
import { encodeCopy } from './copy.ts'
import type { Store } from './index.ts'
import type { CopyChunk } from './types.ts'

const SEED = 12
const SIZES: Sizes = { users: 200, interviewers: 10, historyPerUser: 0 }

const backends = await storeBackends('bulk-load')

const encoded = (batches: User[][]): CopyChunk[] => batches.map((b) => ({ rows: b.length, text: encodeCopy('users', b) }))

for (const backend of backends) {
  describe(`bulkLoadParts on ${backend.name}`, () => {
    let store: Store
    let dispose: () => Promise<void>
    const batches = [...userBatches(SEED, SIZES, 50)]
    beforeAll(async () => {
      ;({ store, dispose } = await backend.open())
      await store.migrate()
    })
    afterAll(async () => dispose?.())

    it('one failing part keeps none of the others', async () => {
      await store.reset()
      const boom = new Error('part broke')
      async function* failing(): AsyncGenerator<CopyChunk> {
        yield encoded([batches[2]])[0]
        throw boom
      }
      await expect(store.bulkLoadParts('users', [encoded(batches.slice(0, 2)), failing()])).rejects.toBe(boom)
      expect((await store.counts()).users).toBe(0)
    })

    it('loads every part, with the indexes and a search over all of them', async () => {
      await store.reset()
      expect(await store.bulkLoadParts('users', [encoded(batches.slice(0, 2)), encoded(batches.slice(2))])).toBe(200)
      expect((await store.counts()).users).toBe(200)
      for (const id of [1, 100, 101, 200]) expect(await store.getUser(id)).toEqual(makeUser(SEED, id))
      expect((await store.listUsers({ page: 1, limit: 1, search: makeUser(SEED, 150).name })).total).toBeGreaterThanOrEqual(1)
    })
  })
}
