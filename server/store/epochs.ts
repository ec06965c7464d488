// Shard fencing in Postgres: takeShard raises a shard's epoch for its new owner, and fenced() runs a
// write of that shard in one transaction that first checks the writer's epoch is still current.
// The check takes the row FOR SHARE, and takeShard updates it (an exclusive row lock), so a take
// waits for commits in flight under the old epoch and no old-epoch commit can start after it.
import type { ShardFence } from '../../actors/ports.ts'
import type { Db, Queryer } from './db.ts'
import { StoreError, toStoreError } from './errors.ts'

export interface ShardEpoch {
  shard: number
  epoch: number
  owner: string
  taken_at: string
}

export class ShardEpochs {
  readonly #db: Db
  readonly #where: string

  constructor(db: Db, where: string) {
    this.#db = db
    this.#where = where
  }

  /** `node` takes the shard: its epoch goes up by one (1 for a shard never taken). */
  async takeShard(shard: number, node: string): Promise<ShardEpoch> {
    checkShard(shard)
    if (!node) throw new StoreError('invalid', 'takeShard needs a node id')
    try {
      const rows = await this.#db.query<Record<string, unknown>>(
        `insert into shard_epochs (shard, epoch, owner, taken_at) values ($1::int, 1, $2::text, now())
         on conflict (shard) do update set epoch = shard_epochs.epoch + 1, owner = excluded.owner, taken_at = excluded.taken_at
         returning shard, epoch, owner, taken_at`,
        [shard, node],
      )
      return row(rows[0])
    } catch (err) {
      throw toStoreError(err, this.#where)
    }
  }

  /**
   * Runs fn in one transaction after checking that `epoch` is still the shard's epoch; refuses with
   * StoreError `fenced` (nothing written) when a newer owner has taken it.
   */
  fenced<R>(shard: number, epoch: number, fn: (tx: Queryer) => Promise<R>): Promise<R> {
    return this.fencedAll([{ shard, epoch }], fn)
  }

  /** The same for a write that spans several shards (a group commit): every epoch must be current. */
  async fencedAll<R>(fences: readonly ShardFence[], fn: (tx: Queryer) => Promise<R>): Promise<R> {
    for (const f of fences) checkShard(f.shard)
    try {
      return await this.#db.transaction(async (tx) => {
        await guard(tx, fences)
        return fn(tx)
      })
    } catch (err) {
      throw toStoreError(err, this.#where)
    }
  }

  async list(): Promise<ShardEpoch[]> {
    const rows = await this.#db.query<Record<string, unknown>>('select shard, epoch, owner, taken_at from shard_epochs order by shard')
    return rows.map(row)
  }
}

/**
 * The check itself, inside an open transaction: one statement takes every fenced shard's row FOR
 * SHARE, in shard order (two writers of overlapping shards cannot wait on each other in a cycle).
 */
async function guard(tx: Queryer, fences: readonly ShardFence[]): Promise<void> {
  const held = new Map<number, number>()
  for (const f of fences) held.set(f.shard, f.epoch)
  const shards = [...held.keys()].sort((a, b) => a - b)
  const rows = await tx.query<{ shard: unknown; epoch: unknown; owner: unknown }>('select shard, epoch, owner from shard_epochs where shard = any($1::text::int[]) order by shard for share', [
    `{${shards.join(',')}}`,
  ])
  const found = new Map(rows.map((r) => [Number(r.shard), r]))
  for (const shard of shards) {
    const r = found.get(shard)
    const current = r ? Number(r.epoch) : 0
    const epoch = held.get(shard)
    if (current !== epoch) throw new StoreError('fenced', `shard ${shard} is at epoch ${current} (owner ${String(r?.owner ?? 'none')}); this write holds epoch ${epoch}`)
  }
}

function checkShard(shard: number): void {
  if (!Number.isSafeInteger(shard) || shard < 0) throw new StoreError('invalid', `shard must be a non-negative integer, got ${shard}`)
}

function row(r: Record<string, unknown>): ShardEpoch {
  const t = r.taken_at
  return { shard: Number(r.shard), epoch: Number(r.epoch), owner: String(r.owner), taken_at: t instanceof Date ? t.toISOString() : new Date(String(t)).toISOString() }
}
