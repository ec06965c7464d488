import { describe, expect, it } from 'vitest'
import type { CommitBatch, DecisionRecord } from '../ports.ts'
import { GroupCommitter } from './committer.ts'

const decision = (rid: string | null): DecisionRecord => ({ decision_id: `d-${rid}`, request_id: rid }) as DecisionRecord

describe('GroupCommitter', () => {
  it('groups items into one batch, flushed by size', async () => {
    const batches: CommitBatch[] = []
    const c = new GroupCommitter({
      log: {
        commit: async (b) => {
          batches.push(b)
          return { conflicts: [] }
        },
      },
      maxBatch: 3,
      maxDelayMs: 10_000,
    })
    const ps = [1, 2, 3].map((i) => c.add({ decisions: [decision(`r${i}`)] }))
    expect(await Promise.all(ps)).toEqual(['ok', 'ok', 'ok'])
    expect(batches).toHaveLength(1)
    expect(batches[0].decisions).toHaveLength(3)
  })

  it("an ended interview's history row goes in the batch of its transition", async () => {
    const batches: CommitBatch[] = []
    const c = new GroupCommitter({
      log: {
        commit: async (b) => {
          batches.push(b)
          return { conflicts: [] }
        },
      },
      maxBatch: 10,
      maxDelayMs: 10_000,
    })
    const at = '2026-01-01T00:00:00.000Z'
    const row = { assignment_id: 'a1', user_id: 1, interviewer_id: 2, outcome: 'no_show' as const, duration_min: 0, rating: null, started_at: at }
    await Promise.all([c.add({ transitions: [{ id: 'a1', state: 'completed', at }], interviews: [row] }), c.add({ transitions: [{ id: 'a2', state: 'cancelled', at }] })])
    expect(batches).toHaveLength(1)
    expect(batches[0].transitions.map((t) => t.id)).toEqual(['a1', 'a2'])
    expect(batches[0].interviews).toEqual([row])
  })

  it('flushes a partial batch on the timer', async () => {
    let n = 0
    const c = new GroupCommitter({
      log: {
        commit: async () => {
          n++
          return { conflicts: [] }
        },
      },
      maxBatch: 100,
      maxDelayMs: 2,
    })
    await Promise.all([c.add({ transitions: [] }), c.add({ transitions: [] })])
    expect(n).toBe(1)
  })

  it('a failed batch rejects every item in it with code unavailable', async () => {
    const c = new GroupCommitter({ log: { commit: async () => Promise.reject(new Error('db down')) }, maxBatch: 10, maxDelayMs: 1 })
    const rs = await Promise.allSettled([c.add({ decisions: [decision('a')] }), c.add({ decisions: [decision('b')] })])
    for (const r of rs) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'unavailable' } })
    expect(c.stats.failures).toBe(1)
  })

  it('a burst while a batch commits becomes batches of at most maxBatch items, committed in order', async () => {
    const batches: string[][] = []
    const release: (() => void)[] = []
    const c = new GroupCommitter({
      log: {
        commitSlots: 1,
        commit: (b) =>
          new Promise((r) => {
            batches.push(b.decisions.map((d) => d.request_id as string))
            release.push(() => r({ conflicts: [] }))
          }),
      },
      maxBatch: 3,
      maxDelayMs: 1000,
    })
    const all = [c.add({ decisions: [decision('r0')] })]
    await new Promise((r) => setImmediate(r))
    for (let i = 1; i <= 8; i++) all.push(c.add({ decisions: [decision(`r${i}`)] }))
    expect(c.pending).toBe(8)
    for (let k = 0; k < 4; k++) {
      release[k]()
      await new Promise((r) => setImmediate(r))
    }
    expect(await Promise.all(all)).toEqual(Array(9).fill('ok'))
    expect(batches).toEqual([['r0'], ['r1', 'r2', 'r3'], ['r4', 'r5', 'r6'], ['r7', 'r8']])
  })

  it('hands the next batch to the store before answering the callers of the one that finished', async () => {
    const calls: number[] = []
    const release: (() => void)[] = []
    const c = new GroupCommitter({
      log: {
        commitSlots: 1,
        commit: (b) =>
          new Promise((r) => {
            calls.push(b.decisions.length)
            release.push(() => r({ conflicts: [] }))
          }),
      },
      maxBatch: 100,
      maxDelayMs: 1000,
    })
    const first = c.add({ decisions: [decision('a')] })
    await new Promise((r) => setImmediate(r))
    expect(calls).toEqual([1])
    // These pile up while the first batch commits.
    const later = [c.add({ decisions: [decision('b')] }), c.add({ decisions: [decision('c')] })]
    let callsWhenAnswered: number[] = []
    const answered = first.then(() => {
      callsWhenAnswered = [...calls]
    })
    release[0]()
    await answered
    expect(callsWhenAnswered).toEqual([1, 2])
    release[1]()
    expect(await Promise.all(later)).toEqual(['ok', 'ok'])
  })

  it('maps store conflicts back to the items whose request_id conflicted', async () => {
    const c = new GroupCommitter({ log: { commit: async () => ({ conflicts: ['dup'] }) }, maxBatch: 10, maxDelayMs: 1 })
    expect(await Promise.all([c.add({ decisions: [decision('dup')] }), c.add({ decisions: [decision('fresh')] }), c.add({ decisions: [decision(null)] })])).toEqual(['conflict', 'ok', 'ok'])
  })

  it('never has two transitions of one assignment in flight at once (order is kept)', async () => {
    const order: string[] = []
    const release: (() => void)[] = []
    const c = new GroupCommitter({
      log: {
        commit: (b) =>
          new Promise((r) => {
            release.push(() => {
              for (const t of b.transitions) order.push(`${t.id}:${t.state}`)
              r({ conflicts: [] })
            })
          }),
      },
      maxBatch: 1,
      maxDelayMs: 0,
      maxInflight: 4,
    })
    const first = c.add({ transitions: [{ id: 'a', state: 'active', at: '1' }] })
    const other = c.add({ transitions: [{ id: 'b', state: 'active', at: '1' }] })
    const second = c.add({ transitions: [{ id: 'a', state: 'completed', at: '2' }] })
    expect(release).toHaveLength(2)
    release[1]()
    release[0]()
    await Promise.all([first, other])
    expect(release).toHaveLength(3)
    release[2]()
    await second
    expect(order).toEqual(['b:active', 'a:active', 'a:completed'])
  })

  it('natural group commit: idle, one turn of the loop goes out at once; busy, items wait for the batch in flight and go out together', async () => {
    const batches: CommitBatch[] = []
    const release: (() => void)[] = []
    const c = new GroupCommitter({
      log: {
        commitSlots: 1,
        commit: (b) =>
          new Promise((r) => {
            batches.push(b)
            release.push(() => r({ conflicts: [] }))
          }),
      },
      maxBatch: 1000,
      maxDelayMs: 1,
    })
    const first = [c.add({ decisions: [decision('a')] }), c.add({ decisions: [decision('b')] })]
    await new Promise((r) => setImmediate(r))
    expect(batches.map((b) => b.decisions.length)).toEqual([2])
    const later = [c.add({ decisions: [decision('c')] }), c.add({ decisions: [decision('d')] })]
    // Past maxDelayMs the only slot is still busy: nothing more goes out, the batch keeps growing.
    await new Promise((r) => setTimeout(r, 20))
    const last = c.add({ decisions: [decision('e')] })
    expect(batches).toHaveLength(1)
    expect(c.pending).toBe(3)
    release[0]()
    await Promise.all(first)
    await new Promise((r) => setImmediate(r))
    expect(batches.map((b) => b.decisions.length)).toEqual([2, 3])
    release[1]()
    expect(await Promise.all([...later, last])).toEqual(['ok', 'ok', 'ok'])
  })

  it('drain waits for everything queued', async () => {
    let committed = 0
    const c = new GroupCommitter({
      log: {
        commit: async (b) => {
          committed += b.decisions.length
          return { conflicts: [] }
        },
      },
      maxBatch: 1000,
      maxDelayMs: 10_000,
    })
    void c.add({ decisions: [decision('x')] })
    await c.drain()
    expect(committed).toBe(1)
  })
})
