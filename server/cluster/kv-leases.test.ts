// One contract over both lease stores: the in-process one and NATS JetStream KV (real nats-server).
import { connect, type NatsConnection } from 'nats'
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { hasNats, TEST_NATS_URL } from '../../test/helpers/services.ts'
import { KvLeaseStore, type LeaseStore, LocalLeaseStore } from './kv-leases.ts'

const TTL_MS = 1000
const conns: NatsConnection[] = []
const buckets: string[] = []
afterAll(async () => {
  for (const nc of conns) {
    const jsm = await nc.jetstreamManager()
    for (const b of buckets) await jsm.streams.delete(`KV_${b}`).catch(() => {})
    await nc.close()
  }
})

const impls: { name: string; open: () => Promise<LeaseStore> }[] = [{ name: 'local', open: async () => new LocalLeaseStore(TTL_MS) }]
if (await hasNats()) {
  impls.push({
    name: 'nats-kv',
    open: async () => {
      const nc = await connect({ servers: TEST_NATS_URL })
      conns.push(nc)
      const bucket = `leases_test_${randomBytes(4).toString('hex')}`
      buckets.push(bucket)
      return KvLeaseStore.open(nc, bucket, TTL_MS)
    },
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.each(impls)('lease store contract: $name', (impl) => {
  it('one holder at a time: a second acquire fails, renew by revision, release frees it', async () => {
    const s = await impl.open()
    const a = await s.acquire(1, 'a')
    expect(a).toMatchObject({ shard: 1, owner: 'a' })
    expect(await s.acquire(1, 'b')).toBeNull()
    expect(await s.holder(1)).toMatchObject({ owner: 'a', revision: a!.revision })
    const a2 = await s.renew(a!)
    expect(a2!.revision).toBeGreaterThan(a!.revision)
    // The old revision is no longer a valid compare-and-set token.
    expect(await s.renew(a!)).toBeNull()
    await s.release(a2!)
    expect(await s.holder(1)).toBeNull()
    expect(await s.acquire(1, 'b')).toMatchObject({ owner: 'b' })
  })

  it('a lease not renewed within the TTL expires; the old holder cannot renew after another took it', async () => {
    const s = await impl.open()
    const a = await s.acquire(2, 'a')
    expect(a).not.toBeNull()
    await sleep(TTL_MS * 2.5)
    expect(await s.holder(2)).toBeNull()
    const b = await s.acquire(2, 'b')
    expect(b).toMatchObject({ owner: 'b' })
    expect(await s.renew(a!)).toBeNull()
    // A stale release does not free someone else's lease.
    await s.release(a!)
    expect(await s.holder(2)).toMatchObject({ owner: 'b' })
  })

  it('renewals keep a lease past its TTL', async () => {
    const s = await impl.open()
    let l = await s.acquire(3, 'a')
    for (let i = 0; i < 4; i++) {
      await sleep(TTL_MS / 3)
      l = await s.renew(l!)
      expect(l).not.toBeNull()
    }
    expect(await s.acquire(3, 'b')).toBeNull()
  })
})
