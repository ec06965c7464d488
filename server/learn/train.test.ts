// `npm run train`'s core on a real (embedded) store: an empty history saves nothing; a seeded one
// saves a version with its features, coefficients and hold-out metrics, and the next run a newer one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LearnError } from '../../actors/learn/logistic.ts'
import { FEATURE_NAMES } from '../../actors/learn/features.ts'
import { historyBatches, interviewerBatches, userBatches, type Sizes } from '../seed/generate/index.ts'
import { createStore, type Store } from '../store/index.ts'
import { trainFromStore } from './train.ts'

const SIZES: Sizes = { users: 300, interviewers: 20, historyPerUser: 3 }
let store: Store
beforeAll(async () => {
  store = await createStore({ dataDir: 'memory://' })
  await store.migrate()
})
afterAll(async () => store?.close())

describe('trainFromStore', () => {
  it('an empty history is refused (too_few_rows) and no version is saved', async () => {
    const e = await trainFromStore(store).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LearnError)
    expect((e as LearnError).code).toBe('too_few_rows')
    expect(await store.latestModelVersion()).toBeNull()
  })

  it('trains on seeded history and saves versions in order', async () => {
    await store.bulkLoad('users', userBatches(5, SIZES, 100))
    await store.bulkLoad('interviewers', interviewerBatches(5, SIZES, 10))
    await store.bulkLoad('interviews', historyBatches(5, SIZES, 100))
    const v1 = await trainFromStore(store)
    expect(v1.features).toEqual([...FEATURE_NAMES])
    expect(v1.coefficients.weights).toHaveLength(FEATURE_NAMES.length)
    for (const w of [v1.coefficients.intercept, ...v1.coefficients.weights]) expect(Number.isFinite(w)).toBe(true)
    expect(v1.rows_used).toBe((await store.counts()).interviews)
    expect(v1.metrics.brier).toBeGreaterThan(0)
    expect(v1.metrics.brier).toBeLessThan(0.25)
    expect(v1.metrics.auc).toBeGreaterThan(0.5)
    const v2 = await trainFromStore(store, { l2: 10 })
    expect(v2.id).toBeGreaterThan(v1.id)
    expect(await store.latestModelVersion()).toEqual(v2)
    expect(await store.getModelVersion(v1.id)).toEqual(v1)
  })
})
