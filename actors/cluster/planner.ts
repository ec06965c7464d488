// Rebalancing plan: from the current owners and the membership view, which shards move where now.
// Shards of a dead (or unowned) node move at once: that is failover. Moves of a live owner's shard
// (a join's fair share) are rate-limited, and a node counts for placement only once it has been live
// for `stableMs`, so a short flap moves nothing.
import { assign } from './assign.ts'
import type { Membership } from './membership.ts'

export interface Move {
  shard: number
  from: string | null
  to: string
  /** `failover`: the owner is dead or there is none; `rebalance`: a graceful handoff from a live owner. */
  kind: 'failover' | 'rebalance'
}

export interface PlanOptions {
  shards: number
  stableMs: number
  /** Most rebalance moves per plan (failover moves are never held back). */
  maxRebalance: number
}

/**
 * `owners[s]` is the current owner of shard s (null: none). Placement uses the stable live nodes; when
 * none is stable yet, every live node counts, so a cold cluster still gets owners.
 */
export function plan(owners: readonly (string | null)[], members: Membership, now: number, o: PlanOptions): Move[] {
  const live = members.live(now)
  if (live.length === 0) return []
  const stable = live.filter((n) => members.upFor(n, now) >= o.stableMs)
  const target = assign(o.shards, stable.length ? stable : live)
  const liveSet = new Set(live)
  const moves: Move[] = []
  let rebalance = 0
  for (let s = 0; s < o.shards; s++) {
    const from = owners[s] ?? null
    const to = target[s]
    if (from === to) continue
    if (from === null || !liveSet.has(from)) moves.push({ shard: s, from, to, kind: 'failover' })
    else if (rebalance < o.maxRebalance) {
      moves.push({ shard: s, from, to, kind: 'rebalance' })
      rebalance++
    }
  }
  return moves
}
