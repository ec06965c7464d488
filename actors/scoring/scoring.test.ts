import { describe, expect, it } from 'vitest'
import { DEFAULT_WEIGHTS } from '../model/types.ts'
import { InterviewerQueue } from '../interviewer/queue.ts'
import { interviewer } from '../testing/fixtures.ts'
import { FACTOR_COUNT, FAIRNESS_SATURATION_MS, factorsOf, qualityOf, scoreInto, scoringContext, weightVector } from './scoring.ts'
import { WeightsBook } from './weights.ts'

const out = new Float64Array(FACTOR_COUNT)
const cand = (over = {}) => new InterviewerQueue(interviewer(1, { specializations: ['FinTech', 'Pricing'], seniority: 'mid', cost: 50, capacity: 4, ...over }))

describe('scoring factors', () => {
  it('topic match is the share of request topics the interviewer covers, case-insensitive', () => {
    const w = weightVector(DEFAULT_WEIGHTS)
    scoreInto(scoringContext({ topics: ['fintech', 'Payments'], budget: 100 }, 'mid', 0), cand(), w, out)
    expect(factorsOf(out).topic).toBe(0.5)
    scoreInto(scoringContext({ topics: ['FINTECH', 'pricing'], budget: 100 }, 'mid', 0), cand(), w, out)
    expect(factorsOf(out).topic).toBe(1)
    scoreInto(scoringContext({ topics: [], budget: 100 }, 'mid', 0), cand(), w, out)
    expect(factorsOf(out).topic).toBe(1)
  })

  it('experience fit: exact level 1, too junior costs more than too senior', () => {
    const w = weightVector(DEFAULT_WEIGHTS)
    scoreInto(scoringContext({ topics: [], budget: 100 }, 'mid', 0), cand({ seniority: 'mid' }), w, out)
    expect(out[1]).toBe(1)
    scoreInto(scoringContext({ topics: [], budget: 100 }, 'senior', 0), cand({ seniority: 'mid' }), w, out)
    const junior = out[1]
    scoreInto(scoringContext({ topics: [], budget: 100 }, 'entry', 0), cand({ seniority: 'mid' }), w, out)
    expect(out[1]).toBeGreaterThan(junior)
    scoreInto(scoringContext({ topics: [], budget: 100 }, null, 0), cand(), w, out)
    expect(out[1]).toBe(0.5)
  })

  it('cost saving is (budget - cost) / budget', () => {
    scoreInto(scoringContext({ topics: [], budget: 100 }, 'mid', 0), cand({ cost: 25 }), weightVector(DEFAULT_WEIGHTS), out)
    expect(out[2]).toBe(0.75)
  })

  it('load balance falls with queue depth', () => {
    const q = cand({ capacity: 4 })
    q.reserve({ id: 'x', request_id: null, decision_id: 'd', user_id: 1, interviewer_id: 1, score: 1, state: 'accepted', created_at: '', updated_at: '' }, 600, 0)
    scoreInto(scoringContext({ topics: [], budget: 100 }, 'mid', 0), q, weightVector(DEFAULT_WEIGHTS), out)
    expect(out[3]).toBe(0.75)
  })

  it('fairness saturates with idle time; never assigned is 1', () => {
    const q = cand()
    const w = weightVector(DEFAULT_WEIGHTS)
    scoreInto(scoringContext({ topics: [], budget: 100 }, 'mid', 1000), q, w, out)
    expect(out[4]).toBe(1)
    q.lastAssignedAt = 1000
    scoreInto(scoringContext({ topics: [], budget: 100 }, 'mid', 1000 + FAIRNESS_SATURATION_MS / 2), q, w, out)
    expect(out[4]).toBe(0.5)
  })

  it('quality uses completion and ratings, shrunk toward a prior for few interviews', () => {
    const few = qualityOf({ interviewer_id: 1, interviews: 2, completed: 2, avg_rating: 5 }, 3)
    const many = qualityOf({ interviewer_id: 1, interviews: 200, completed: 200, avg_rating: 5 }, 3)
    const bad = qualityOf({ interviewer_id: 1, interviews: 200, completed: 50, avg_rating: 2 }, 3)
    expect(many).toBeGreaterThan(few)
    expect(few).toBeGreaterThan(bad)
    expect(many).toBeLessThanOrEqual(1)
    expect(qualityOf(undefined, 4)).toBeGreaterThan(0)
  })

  it('the score is the weighted sum of the factors', () => {
    const w = weightVector({ ...DEFAULT_WEIGHTS, topic: 2, experience: 0, cost: 0, load: 0, fairness: 0, quality: 0 })
    const s = scoreInto(scoringContext({ topics: ['fintech', 'x'], budget: 100 }, 'mid', 0), cand(), w, out)
    expect(s).toBe(1)
  })
})

describe('WeightsBook', () => {
  it('bumps the version on every change and validates names and values', () => {
    const b = new WeightsBook()
    const next = b.next({ topic: 3 })
    expect(next.version).toBe(DEFAULT_WEIGHTS.version + 1)
    expect(b.adopt(next)).toBe(true)
    expect(b.vector[0]).toBe(3)
    expect(b.adopt(next)).toBe(false)
    expect(b.next({ load: 1 }, 10).version).toBe(11)
    expect(() => b.next({ nope: 1 })).toThrow(expect.objectContaining({ code: 'invalid' }))
    expect(() => b.next({ topic: -1 })).toThrow(expect.objectContaining({ code: 'invalid' }))
    expect(b.adopt({ version: 99 } as never)).toBe(false)
    expect(b.adopt({ ...next, version: 50, load: Number.NaN })).toBe(false)
  })
})
