// Shard leases as keys of a NATS JetStream KV bucket: the bucket's max age is the lease TTL (nats
// 2.9 has no per-key TTL), `create` takes a free shard, `update` by revision renews it (compare-and-
// set: a renewal after someone else took the key fails), `delete` by revision releases it. Also an
// in-process implementation with the same contract, for one-node runs and tests.
//
// Why KV rather than a Postgres lease row: leases are renewed every TTL/3 for every shard a node owns;
// on Postgres those are writes in the same database (and, embedded, the same single thread) that
// every assignment commit waits on, while NATS is already the coordination fabric every node watches,
// so routers can watch the bucket for the owner map instead of polling. Postgres keeps what must be
// durable and transactional with the writes: the fencing epoch (server/store/epochs.ts).
import { type KV, type NatsConnection, StringCodec } from 'nats'

export interface Lease {
  shard: number
  owner: string
  /** The key's revision this holder last wrote: the compare-and-set token. */
  revision: number
}

export interface LeaseStore {
  /** Takes the shard if nobody holds it (or the holder's lease expired); null when it is held. */
  acquire(shard: number, node: string): Promise<Lease | null>
  /** Renews a held lease; null when it was lost (expired and taken, or released). */
  renew(lease: Lease): Promise<Lease | null>
  /** Gives the shard up; a no-op when the lease was already lost. */
  release(lease: Lease): Promise<void>
  /** The current holder, or null. */
  holder(shard: number): Promise<{ owner: string; revision: number } | null>
}

const sc = StringCodec()
const key = (shard: number) => `shard.${shard}`

export class KvLeaseStore implements LeaseStore {
  readonly #kv: KV

  private constructor(kv: KV) {
    this.#kv = kv
  }

  /** Opens (or creates) the bucket with the lease TTL as its max age. */
  static async open(nc: NatsConnection, bucket: string, ttlMs: number): Promise<KvLeaseStore> {
    const kv = await nc.jetstream().views.kv(bucket, { ttl: ttlMs, history: 1 })
    return new KvLeaseStore(kv)
  }

  async acquire(shard: number, node: string): Promise<Lease | null> {
    try {
      const revision = await this.#kv.create(key(shard), sc.encode(node))
      return { shard, owner: node, revision }
    } catch (err) {
      if (isWrongSequence(err)) return null
      throw err
    }
  }

  async renew(lease: Lease): Promise<Lease | null> {
    try {
      const revision = await this.#kv.update(key(lease.shard), sc.encode(lease.owner), lease.revision)
      return { ...lease, revision }
    } catch (err) {
      if (isWrongSequence(err)) return null
      throw err
    }
  }

  async release(lease: Lease): Promise<void> {
    try {
      await this.#kv.delete(key(lease.shard), { previousSeq: lease.revision })
    } catch (err) {
      if (!isWrongSequence(err)) throw err
    }
  }

  async holder(shard: number): Promise<{ owner: string; revision: number } | null> {
    const e = await this.#kv.get(key(shard))
    if (e?.operation !== 'PUT') return null
    return { owner: sc.decode(e.value), revision: e.revision }
  }
}

/** JetStream's "wrong last sequence" (10071) and "key exists" answers to a failed compare-and-set. */
function isWrongSequence(err: unknown): boolean {
  const e = err as { api_error?: { err_code?: number }; message?: string }
  return e?.api_error?.err_code === 10071 || /wrong last sequence|key exists/i.test(e?.message ?? '')
}

/** The same contract in process, with the TTL on an injected monotonic clock. */
export class LocalLeaseStore implements LeaseStore {
  readonly #ttlMs: number
  readonly #now: () => number
  readonly #keys = new Map<number, { owner: string; revision: number; at: number }>()
  #seq = 0

  constructor(ttlMs: number, now: () => number = () => performance.now()) {
    this.#ttlMs = ttlMs
    this.#now = now
  }

  #live(shard: number) {
    const e = this.#keys.get(shard)
    if (e && this.#now() - e.at > this.#ttlMs) {
      this.#keys.delete(shard)
      return undefined
    }
    return e
  }

  async acquire(shard: number, node: string): Promise<Lease | null> {
    if (this.#live(shard)) return null
    const revision = ++this.#seq
    this.#keys.set(shard, { owner: node, revision, at: this.#now() })
    return { shard, owner: node, revision }
  }

  async renew(lease: Lease): Promise<Lease | null> {
    const e = this.#live(lease.shard)
    if (!e || e.revision !== lease.revision) return null
    const revision = ++this.#seq
    this.#keys.set(lease.shard, { owner: lease.owner, revision, at: this.#now() })
    return { ...lease, revision }
  }

  async release(lease: Lease): Promise<void> {
    if (this.#live(lease.shard)?.revision === lease.revision) this.#keys.delete(lease.shard)
  }

  async holder(shard: number): Promise<{ owner: string; revision: number } | null> {
    const e = this.#live(shard)
    return e ? { owner: e.owner, revision: e.revision } : null
  }
}
