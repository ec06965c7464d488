// Routes decided in the same turn share their messages (one score message per host, commits
// batched likewise) but nothing else: each still gets its own bids and outcome, and no interviewer
// is booked beyond its capacity.
import { describe, expect, it } from 'vitest'
import { LocalBus } from '../bus/local.ts'
import { Engine } from '../engine/engine.ts'
import { FakeStore } from '../testing/fake-store.ts'
import { interviewer, testConfig, user } from '../testing/fixtures.ts'
import { silentLogger } from '../../server/log.ts'
import type { DecisionEvent, RouteRequest } from '../../client/protocol.ts'

const REQ: RouteRequest = { user_id: 1, topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 600 }

describe('batched routing', () => {
  it('a burst goes out as few messages, and every route keeps its own bids and a capacity-safe outcome', async () => {
    const bus = new LocalBus()
    const sent = { score: 0, commit: 0, items: 0 }
    const publishValue = bus.publishValue.bind(bus)
    bus.publishValue = (subject, value, reply) => {
      if (subject.endsWith('.score')) sent.score++
      if (subject.endsWith('.commit')) {
        sent.commit++
        sent.items += (value as { items: unknown[] }).items.length
      }
      publishValue(subject, value, reply)
    }
    const store = new FakeStore({ users: Array.from({ length: 100 }, (_, i) => user(i + 1)), interviewers: Array.from({ length: 40 }, (_, i) => interviewer(i + 1, { capacity: 2, concurrency: 1 })) })
    const e = new Engine({ config: testConfig({ SUBJECT_PREFIX: 'batched' }), bus, store, log: silentLogger })
    await e.start()
    try {
      // Users in the cache first, so the whole burst reaches the router in one turn.
      await Promise.all(Array.from({ length: 100 }, (_, i) => e.route({ ...REQ, user_id: i + 1, budget: 0 })))
      sent.score = sent.commit = sent.items = 0
      const decisions: DecisionEvent[] = []
      e.onDecision((d) => decisions.push(d))
      const out = await Promise.all(Array.from({ length: 100 }, (_, i) => e.route({ ...REQ, user_id: i + 1 })))
      // 40 interviewers × capacity 2 = 80 slots for 100 alike routes of one turn: every slot is
      // filled (the batch spreads its bids, refused routes are scored again) and only the rest
      // are at_capacity.
      const assigned = out.filter((r) => r.status === 'assigned')
      expect(assigned.length).toBe(80)
      expect(out.filter((r) => r.status === 'at_capacity')).toHaveLength(20)
      expect(sent.score).toBeLessThan(10)
      expect(sent.commit).toBeLessThan(sent.items)
      for (const [, ids] of store.openByInterviewer()) expect(ids.length).toBeLessThanOrEqual(2)
      expect(new Set(assigned.map((r) => r.assignment_id)).size).toBe(assigned.length)
      expect(store.assignments.size).toBe(assigned.length)
      for (const d of decisions.filter((x) => x.status === 'assigned')) {
        expect(d.bids.length).toBeGreaterThan(0)
        expect(d.bids.map((b) => b.interviewer_id)).toContain(d.interviewer_id)
        expect(Object.keys(d.bids[0].factors).sort()).toEqual(['cost', 'experience', 'fairness', 'load', 'quality', 'topic'])
      }
    } finally {
      await e.stop()
      await bus.close()
    }
  })

  it('two routers bursting at the same hosts fill every slot: a route whose bids were all taken is scored again', async () => {
    const bus = new LocalBus()
    // Commits wait until both routers' bursts were scored: both then bid on the same state.
    let gate = false
    let scores = 0
    const held: (() => void)[] = []
    const publishValue = bus.publishValue.bind(bus)
    bus.publishValue = (subject, value, reply) => {
      if (gate && subject.endsWith('.commit') && scores < 4) return void held.push(() => publishValue(subject, value, reply))
      publishValue(subject, value, reply)
      if (gate && subject.endsWith('.score') && ++scores === 4)
        setTimeout(() => {
          for (const f of held.splice(0)) f()
        }, 5)
    }
    const store = new FakeStore({
      users: Array.from({ length: 100 }, (_, i) => user(i + 1)),
      interviewers: Array.from({ length: 20 }, (_, i) => interviewer(2 * (i + 1), { capacity: 1, concurrency: 1 })),
    })
    const engines = [0, 1].map((i) => new Engine({ config: testConfig({ SUBJECT_PREFIX: 'rescore', NODE_ID: `n${i}`, SHARD_INDEX: String(i), SHARD_COUNT: '2' }), bus, store, log: silentLogger }))
    for (const e of engines) await e.start()
    try {
      for (const e of engines) await Promise.all(Array.from({ length: 100 }, (_, i) => e.route({ ...REQ, user_id: i + 1, budget: 0 })))
      // Every interviewer lives on shard 0 (even ids). Each router's burst is batched on its own,
      // so both routers' routes bid on the same interviewers and the second router's commits are
      // mostly refused: without scoring again about half of its routes would end at_capacity
      // while slots are still free.
      gate = true
      const out = (await Promise.all(engines.map((e) => Promise.all(Array.from({ length: 10 }, (_, i) => e.route({ ...REQ, user_id: i + 1 })))))).flat()
      expect(out.filter((r) => r.status === 'assigned')).toHaveLength(20)
      for (const [, ids] of store.openByInterviewer()) expect(ids.length).toBeLessThanOrEqual(1)
    } finally {
      for (const e of engines) await e.stop()
      await bus.close()
    }
  })
})
