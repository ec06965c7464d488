// Virtual shards and their owners: interviewers map to a fixed number of shards, and shards to live
// nodes by rendezvous (highest-random-weight) hashing with a per-node cap of ceil(shards / nodes) (and only
// shards % nodes nodes at that cap), so the spread is within one and a join or leave moves about shards / nodes of them. Pure and deterministic:
// every node computes the same map from the same membership.

export class ClusterError extends Error {
  readonly code = 'invalid'
  constructor(message: string) {
    super(message)
    this.name = 'ClusterError'
  }
}

/** The shard of an interviewer id (ids are positive integers). */
export function shardOf(interviewerId: number, shards: number): number {
  return Math.abs(mix(interviewerId | 0)) % shards
}

/** 32-bit FNV-1a over a string, then a murmur3 finalizer so near keys spread. */
export function weight(shard: number, node: string): number {
  let h = 0x811c9dc5 ^ shard
  for (let i = 0; i < node.length; i++) {
    h ^= node.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return mix(h) >>> 0
}

function mix(x: number): number {
  let h = x
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}

/**
 * Owner of every shard (index = shard) among `nodes`. Each shard goes to its highest-weight node that
 * still has room under the cap; shards are placed in order of their best weight, so the result does
 * not depend on the order `nodes` come in.
 */
export function assign(shards: number, nodes: readonly string[]): string[] {
  if (!Number.isSafeInteger(shards) || shards < 1) throw new ClusterError(`shard count must be a positive integer, got ${shards}`)
  const live = [...new Set(nodes)].sort()
  if (live.length === 0) throw new ClusterError('no live node to own the shards')
  // Loads end in {lo, lo + 1}: exactly shards % nodes of them may reach lo + 1.
  const lo = Math.floor(shards / live.length)
  let highLeft = shards % live.length
  const load = new Map<string, number>(live.map((n) => [n, 0]))
  const ranked: { shard: number; order: string[]; best: number }[] = []
  for (let s = 0; s < shards; s++) {
    const w = live.map((n) => ({ n, w: weight(s, n) })).sort((a, b) => b.w - a.w || (a.n < b.n ? -1 : 1))
    ranked.push({ shard: s, order: w.map((x) => x.n), best: w[0].w })
  }
  ranked.sort((a, b) => b.best - a.best || a.shard - b.shard)
  const out = new Array<string>(shards)
  for (const r of ranked) {
    for (const n of r.order) {
      const l = load.get(n)!
      if (l > lo || (l === lo && highLeft === 0)) continue
      if (l === lo) highLeft--
      out[r.shard] = n
      load.set(n, l + 1)
      break
    }
  }
  return out
}
