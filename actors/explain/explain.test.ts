import { describe, expect, it } from 'vitest'
import type { Bid, Weights } from '../../client/model.ts'
import type { DecisionRecord } from '../ports.ts'
import { interviewer } from '../testing/fixtures.ts'
import { explainDecision } from './explain.ts'

const W: Weights = { version: 3, topic: 1, experience: 0.5, cost: 0.4, load: 0.6, fairness: 0.2, quality: 0.5 }
const bid = (id: number, score: number, f: Partial<Bid['factors']> = {}): Bid => ({
  interviewer_id: id,
  score,
  factors: { topic: 1, experience: 1, cost: 0.5, load: 1, fairness: 1, quality: 0.8, ...f },
  queue_depth: 0,
  estimated_start_min: 0,
  source: 'local',
})
const decision = (over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  type: 'decision',
  decision_id: 'd1',
  request_id: 'r1',
  user_id: 1,
  status: 'assigned',
  interviewer_id: 1,
  score: 3.2,
  weights_version: 3,
  bids: [bid(1, 3.2), bid(2, 2.9, { cost: 0.25, topic: 0.8 })],
  skipped_hosts: [],
  latency_us: 100,
  node_id: 'n1',
  at: '2026-01-01T00:00:00.000Z',
  request: { user_id: 1, topics: ['FinTech'], language: 'English', budget: 60, sensitivity: true, sla_min: 30 },
  result: { status: 'assigned', user_id: 1, interviewer_id: 1 },
  assignment_id: 'a1',
  ...over,
})

describe('explainDecision', () => {
  it('the winner won', () => {
    expect(explainDecision(decision(), interviewer(1, { clearance: true }), W).verdict).toBe('won')
  })

  it('a losing bidder: the gap and the weighted factor losses, largest first', () => {
    const e = explainDecision(decision(), interviewer(2, { clearance: true }), W)
    expect(e.verdict).toBe('outscored')
    expect(e.gap).toBe(0.3)
    expect(e.factors.slice(0, 2)).toEqual([
      { factor: 'topic', weight: 1, winner: 1, this: 0.8, weighted_diff: 0.2 },
      { factor: 'cost', weight: 0.4, winner: 0.5, this: 0.25, weighted_diff: 0.1 },
    ])
    expect(e.summary).toContain('lost to 1')
  })

  it('without the stored weights version the differences are unweighted, and it says so', () => {
    const e = explainDecision(decision(), interviewer(2, { clearance: true }), null)
    // Unweighted, cost (0.25) now outranks topic (0.2).
    expect(e.factors.slice(0, 2).map((f) => [f.factor, f.weight, f.weighted_diff])).toEqual([
      ['cost', 1, 0.25],
      ['topic', 1, 0.2],
    ])
    expect(e.unknown.some((u) => u.includes('version 3'))).toBe(true)
  })

  it('hard filters by profile: language, clearance for a sensitive request, budget', () => {
    const e = explainDecision(decision(), interviewer(9, { languages: ['German'], clearance: false, cost: 80 }), W)
    expect(e.verdict).toBe('filtered')
    expect(e.filters.map((f) => [f.filter, f.passed])).toEqual([
      ['language', false],
      ['clearance', false],
      ['budget', false],
    ])
    expect(e.filters[2].detail).toContain('by 20')
  })

  it('passing the static filters without a bid: not_bid, with what the record cannot tell', () => {
    const e = explainDecision(decision({ skipped_hosts: ['n2'] }), interviewer(9, { clearance: true, cost: 40 }), W)
    expect(e.verdict).toBe('not_bid')
    expect(e.unknown.join(' ')).toMatch(/online/)
    expect(e.unknown.join(' ')).toContain('n2')
  })

  it('a bid on a decision that assigned nobody: no_winner', () => {
    const d = decision({ status: 'at_capacity', interviewer_id: null, score: null })
    expect(explainDecision(d, interviewer(2, { clearance: true }), W).verdict).toBe('no_winner')
  })
})
