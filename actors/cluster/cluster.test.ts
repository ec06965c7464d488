import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assign, ClusterError, shardOf } from './assign.ts'
import { ShardLease } from './lease.ts'
import { Membership } from './membership.ts'
import { plan } from './planner.ts'

const nodeSet = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/), { minLength: 1, maxLength: 9 })
const counts = (owners: string[]) => {
  const m = new Map<string, number>()
  for (const o of owners) m.set(o, (m.get(o) ?? 0) + 1)
  return m
}

describe('assign (rendezvous with a cap)', () => {
  it('gives every shard exactly one owner among the live nodes, spread within 1, whatever the order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), nodeSet, (shards, nodes) => {
        const owners = assign(shards, nodes)
        expect(owners).toHaveLength(shards)
        for (const o of owners) expect(nodes).toContain(o)
        expect(assign(shards, [...nodes].reverse())).toEqual(owners)
        const c = counts(owners)
        const loads = nodes.map((n) => c.get(n) ?? 0)
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1)
      }),
      { numRuns: 100 },
    )
  })

  it('a join moves only about shards / (n + 1) shards, all of them to the new node', () => {
    fc.assert(
      fc.property(nodeSet, fc.stringMatching(/^[A-Z][A-Z0-9]{0,7}$/), (nodes, joiner) => {
        const shards = 256
        const before = assign(shards, nodes)
        const after = assign(shards, [...nodes, joiner])
        const moved = before.filter((o, s) => after[s] !== o).length
        const fair = shards / (nodes.length + 1)
        // The cap makes a few shards shift between old nodes too; bounded by twice the fair share.
        expect(moved).toBeGreaterThanOrEqual(Math.floor(fair))
        expect(moved).toBeLessThanOrEqual(Math.ceil(2 * fair))
        const toJoiner = before.filter((_o, s) => after[s] === joiner).length
        expect(toJoiner).toBeGreaterThanOrEqual(Math.floor(fair))
      }),
      { numRuns: 100 },
    )
  })

  it("a leave moves only the leaver's shards plus the cap's spill-over", () => {
    const nodes = ['a', 'b', 'c', 'd']
    const before = assign(256, nodes)
    const after = assign(256, ['a', 'b', 'c'])
    const moved = before.filter((o, s) => after[s] !== o)
    const leaverHad = before.filter((o) => o === 'd').length
    expect(moved.length).toBeGreaterThanOrEqual(leaverHad)
    expect(moved.length).toBeLessThanOrEqual(2 * leaverHad)
  })

  it('refuses no nodes or a bad shard count with a typed error', () => {
    expect(() => assign(256, [])).toThrow(ClusterError)
    expect(() => assign(0, ['a'])).toThrow(expect.objectContaining({ code: 'invalid' }))
  })

  it('maps interviewer ids onto every shard', () => {
    const hit = new Set<number>()
    for (let id = 1; id <= 10_000; id++) hit.add(shardOf(id, 256))
    expect(hit.size).toBe(256)
    for (const s of hit) expect(s).toBeGreaterThanOrEqual(0)
  })
})

describe('Membership', () => {
  it('counts a node dead after the allowed missed beats and back when it beats again', () => {
    const m = new Membership({ intervalMs: 100, missedBeats: 3 })
    m.beat('a', 0)
    m.beat('b', 0)
    m.beat('a', 250)
    expect(m.live(300)).toEqual(['a', 'b'])
    expect(m.live(301)).toEqual(['a'])
    expect(m.upFor('a', 300)).toBe(300)
    m.beat('b', 400)
    expect(m.upFor('b', 450)).toBe(50)
    m.left('a')
    expect(m.live(450)).toEqual(['b'])
  })
})

describe('ShardLease', () => {
  it('serves while renewed within ttl - margin and fences itself when stale', () => {
    const l = new ShardLease(3000, 500)
    expect(l.serving(0)).toBe(false)
    l.taken(0, 7)
    expect(l.epoch).toBe(7)
    expect(l.serving(2499)).toBe(true)
    l.renewed(2000)
    expect(l.serving(4499)).toBe(true)
    expect(l.serving(4500)).toBe(false)
    expect(l.state).toBe('fenced')
    // A late renewal answer does not revive a fenced lease.
    l.renewed(4400)
    expect(l.serving(4401)).toBe(false)
    l.taken(5000, 8)
    expect(l.serving(5001)).toBe(true)
    l.lost()
    expect(l.serving(5002)).toBe(false)
  })

  it('property: never serves past ttl - margin after its last renewal', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 0, max: 2000 }), renew: fc.boolean() }), { maxLength: 50 }), (steps) => {
        const l = new ShardLease(3000, 500)
        let now = 0
        let last = 0
        l.taken(0, 1)
        for (const st of steps) {
          now += st.dt
          if (st.renew && l.state === 'held') {
            l.renewed(now)
            last = now
          }
          if (l.serving(now)) expect(now - last).toBeLessThan(2500)
        }
      }),
    )
  })
})

describe('plan', () => {
  const opts = { shards: 64, stableMs: 1000, maxRebalance: 4 }
  const members = (nodes: [string, number][], now: number) => {
    const m = new Membership({ intervalMs: 100, missedBeats: 3 })
    for (const [n, since] of nodes) for (let t = since; t <= now; t += 100) m.beat(n, t)
    return m
  }

  it("moves a dead node's shards at once (failover), not rate-limited", () => {
    const owners = assign(64, ['a', 'b', 'c'])
    const m = members(
      [
        ['a', 0],
        ['b', 0],
      ],
      5000,
    )
    m.beat('c', 1000)
    const moves = plan(owners, m, 5000, opts)
    const cHad = owners.filter((o) => o === 'c').length
    expect(moves.filter((x) => x.kind === 'failover')).toHaveLength(cHad)
    for (const x of moves) expect(['a', 'b']).toContain(x.to)
  })

  it('a node that just joined (a flap) gets nothing; once stable, its share moves at the rate limit', () => {
    const owners = assign(64, ['a', 'b'])
    const m = members(
      [
        ['a', 0],
        ['b', 0],
        ['c', 4500],
      ],
      5000,
    )
    expect(plan(owners, m, 5000, opts)).toEqual([])
    const later = members(
      [
        ['a', 0],
        ['b', 0],
        ['c', 4000],
      ],
      5000,
    )
    const moves = plan(owners, later, 5000, opts)
    expect(moves).toHaveLength(4)
    for (const x of moves) expect(x).toMatchObject({ kind: 'rebalance', to: 'c' })
  })

  it('converges: applying plans repeatedly reaches the fair assignment', () => {
    let owners: (string | null)[] = new Array(64).fill(null)
    const m = members(
      [
        ['a', 0],
        ['b', 0],
        ['c', 0],
      ],
      5000,
    )
    for (let i = 0; i < 40; i++) for (const x of plan(owners, m, 5000, opts)) owners[x.shard] = x.to
    expect(owners).toEqual(assign(64, ['a', 'b', 'c']))
    owners = [...owners]
    expect(plan(owners, m, 5000, opts)).toEqual([])
  })
})
