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
      // Routes of one turn are scored against the same state, as concurrent routes always were: they
      // bid on the same top-k, and a route whose k bids were all taken is at_capacity.
      const assigned = out.filter((r) => r.status === 'assigned')
      expect(assigned.length).toBeGreaterThanOrEqual(8)
      expect(assigned.length + out.filter((r) => r.status === 'at_capacity').length).toBe(100)
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
})
