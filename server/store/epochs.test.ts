// Shard fencing on both backends: epochs rise per take, a write under a stale epoch is refused with
// nothing written, and a take waits for a commit in flight under the old epoch.
import { afterAll, describe, expect, it } from 'vitest'
import { createTempDatabase, hasPostgres } from '../../test/helpers/services.ts'
import { StoreError } from './errors.ts'
import { createPgliteStore } from './pglite.ts'
import { createPostgresStore } from './postgres.ts'
import type { SqlStore } from './sql-store.ts'

const backends: { name: string; open: () => Promise<{ store: SqlStore; dispose: () => Promise<void> }> }[] = [
  {
    name: 'pglite',
    open: async () => {
      const store = await createPgliteStore({ dataDir: 'memory://' })
      return { store, dispose: () => store.close() }
    },
  },
]
if (await hasPostgres()) {
  backends.push({
    name: 'postgres',
    open: async () => {
      const db = await createTempDatabase('epochs')
      const store = await createPostgresStore({ url: db.url })
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

const disposers: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const d of disposers) await d()
})

describe.each(backends)('shard epochs on $name', (b) => {
  const setup = async () => {
    const { store, dispose } = await b.open()
    disposers.push(dispose)
    await store.migrate()
    await store.shardEpochs().takeShard(0, 'warm')
    return store
  }

  it('raises the epoch on every take and records the owner', async () => {
    const ep = (await setup()).shardEpochs()
    expect(await ep.takeShard(5, 'a')).toMatchObject({ shard: 5, epoch: 1, owner: 'a' })
    expect(await ep.takeShard(5, 'b')).toMatchObject({ shard: 5, epoch: 2, owner: 'b' })
    expect(await ep.takeShard(6, 'b')).toMatchObject({ shard: 6, epoch: 1 })
    const list = await ep.list()
    expect(list.find((r) => r.shard === 5)).toMatchObject({ epoch: 2, owner: 'b' })
    expect(Number.isNaN(Date.parse(list[0].taken_at))).toBe(false)
  })

  it('refuses a write under a stale epoch with `fenced`, and nothing of it is written', async () => {
    const store = await setup()
    const ep = store.shardEpochs()
    const a = await ep.takeShard(9, 'a')
    await ep.fenced(9, a.epoch, (tx) => tx.query(`insert into audit_log (actor, action, details) values ('a', 'probe', '{}'::jsonb)`))
    await ep.takeShard(9, 'b')
    const err = await ep.fenced(9, a.epoch, (tx) => tx.query(`insert into audit_log (actor, action, details) values ('a', 'stale', '{}'::jsonb)`)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StoreError)
    expect((err as StoreError).code).toBe('fenced')
    const count = async (action: string) =>
      Number((await store.shardEpochs().fenced(9, a.epoch + 1, (tx) => tx.query<{ n: unknown }>('select count(*) as n from audit_log where action = $1::text', [action])))[0].n)
    expect(await count('probe')).toBe(1)
    expect(await count('stale')).toBe(0)
    // A write that fails after the check rolls back with the whole transaction.
    await ep
      .fenced(9, a.epoch + 1, async (tx) => {
        await tx.query(`insert into audit_log (actor, action, details) values ('b', 'half', '{}'::jsonb)`)
        throw new Error('boom')
      })
      .catch(() => {})
    expect(await count('half')).toBe(0)
    // A shard never taken has epoch 0: any epoch is stale.
    expect(((await ep.fenced(77, 1, async () => 1).catch((e: unknown) => e)) as StoreError).code).toBe('fenced')
  })

  it('refuses bad input with `invalid`', async () => {
    const ep = (await setup()).shardEpochs()
    expect(((await ep.takeShard(-1, 'a').catch((e: unknown) => e)) as StoreError).code).toBe('invalid')
    expect(((await ep.takeShard(1, '').catch((e: unknown) => e)) as StoreError).code).toBe('invalid')
  })

  it.runIf(b.name === 'postgres')('a take waits for a commit in flight under the old epoch', async () => {
    const ep = (await setup()).shardEpochs()
    const a = await ep.takeShard(3, 'a')
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const order: string[] = []
    const commit = ep.fenced(3, a.epoch, async (tx) => {
      await tx.query('select 1')
      await held
      order.push('commit')
    })
    await new Promise((r) => setTimeout(r, 100))
    const take = ep.takeShard(3, 'b').then(() => order.push('take'))
    await new Promise((r) => setTimeout(r, 200))
    release()
    await Promise.all([commit, take])
    expect(order).toEqual(['commit', 'take'])
  })
})
