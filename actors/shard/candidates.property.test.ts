// The candidate index against a naive scan (fast-check): when the scan may be exhaustive, the index
// bids for exactly the interviewers the hard filters let through, scored as scoring.ts scores them,
// best first; with fewer slots than eligible interviewers, it keeps the k best scores.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Availability } from '../../client/model.ts'
import { DEFAULT_WEIGHTS, type Assignment } from '../model/types.ts'
import { InterviewerActor, type ActorEnv } from '../interviewer/actor.ts'
import { InterviewerQueue } from '../interviewer/queue.ts'
import { contextOf, round4, scoreInto, weightVector, FACTOR_COUNT } from '../scoring/scoring.ts'
import { interviewer, LANGS, TOPICS } from '../testing/fixtures.ts'
import { CandidateIndex } from './candidates.ts'
import type { ScoreReq } from './wire.ts'

// The index reads the actor's queue only; the actor's environment is never called here.
const unused = (): never => {
  throw new Error('not used by the index')
}
const ENV: ActorEnv = { committer: null as never, mailboxLimit: 10, offerTimeoutMs: 0, log: null as never, changed: unused, assignmentEvent: unused, freed: unused, track: unused, reloadOpen: unused }

const langs = [...new Set(LANGS)].map((l) => l.toLowerCase())
const topics = TOPICS.map((t) => t.toLowerCase())

const ivArb = fc.record({
  languages: fc.uniqueArray(fc.constantFrom(...langs), { minLength: 1, maxLength: 3 }),
  specializations: fc.uniqueArray(fc.constantFrom(...topics), { minLength: 1, maxLength: 3 }),
  cost: fc.integer({ min: 10, max: 120 }),
  concurrency: fc.integer({ min: 1, max: 3 }),
  capacity: fc.integer({ min: 1, max: 5 }),
  clearance: fc.boolean(),
  availability: fc.constantFrom<Availability>('online', 'online', 'online', 'paused', 'offline'),
  avg_duration_min: fc.integer({ min: 10, max: 60 }),
  occupancy: fc.integer({ min: 0, max: 5 }),
})

const reqArb = fc.record({
  lang: fc.constantFrom(...langs),
  topics: fc.uniqueArray(fc.constantFrom(...topics), { maxLength: 3 }),
  budget: fc.integer({ min: 0, max: 130 }),
  sens: fc.boolean(),
  sla: fc.integer({ min: 0, max: 240 }),
  level: fc.integer({ min: -1, max: 3 }),
  excl: fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 4 }),
})

type IvSpec = typeof ivArb extends fc.Arbitrary<infer T> ? T : never

function build(specs: IvSpec[], scanLimit: number): { index: CandidateIndex; queues: InterviewerQueue[] } {
  const index = new CandidateIndex({ scanLimit, maxK: 16 })
  const queues = specs.map((s, i) => {
    const id = i + 1
    const { occupancy, availability, ...profile } = s
    const q = new InterviewerQueue(interviewer(id, { ...profile, availability }))
    const at = '2026-01-01T00:00:00.000Z'
    const open: Assignment[] = Array.from({ length: Math.min(occupancy, s.capacity) }, (_, n) => ({
      id: `a${id}-${n}`,
      request_id: null,
      decision_id: `d${id}-${n}`,
      user_id: 1,
      interviewer_id: id,
      score: 1,
      state: 'accepted',
      created_at: at,
      updated_at: at,
    }))
    q.restore(open)
    q.availability = availability
    index.add(new InterviewerActor(q, ENV))
    return q
  })
  return { index, queues }
}

const NOW = Date.parse('2026-01-01T01:00:00.000Z')
const W = weightVector(DEFAULT_WEIGHTS)

/** The naive scan: every interviewer through the hard filters, each scored on its own. */
function naive(queues: InterviewerQueue[], r: ScoreReq): Map<number, number> {
  const out = new Map<number, number>()
  const ctx = contextOf(r.topics, r.budget, r.level, r.now)
  const f = new Float64Array(FACTOR_COUNT)
  for (const q of queues) {
    if (q.check({ language: r.lang, budget: r.budget, sensitivity: r.sens, sla_min: r.sla }) !== null) continue
    if (r.excl?.includes(q.id)) continue
    out.set(q.id, round4(scoreInto(ctx, q, W, f)))
  }
  return out
}

function scoreReq(r: typeof reqArb extends fc.Arbitrary<infer T> ? T : never, k: number): ScoreReq {
  return { lang: r.lang, topics: r.topics, budget: r.budget, sens: r.sens, sla: r.sla, level: r.level, k, now: NOW, excl: r.excl, remote_ms: 10, req: null }
}

describe('candidate index vs a naive scan', () => {
  it('bids for exactly the interviewers that pass the hard filters, with their scores, best first', () => {
    fc.assert(
      fc.property(fc.array(ivArb, { maxLength: 14 }), reqArb, (specs, rq) => {
        const { index, queues } = build(specs, 1_000)
        const r = scoreReq(rq, 16)
        const got = index.scan(r, contextOf(r.topics, r.budget, r.level, r.now), W)
        index.endBatch()
        const want = naive(queues, r)
        expect(new Map(got.bids.map((b) => [b.interviewer_id, b.score]))).toEqual(want)
        for (let i = 1; i < got.bids.length; i++) expect(got.bids[i - 1].score).toBeGreaterThanOrEqual(got.bids[i].score)
      }),
      { numRuns: 300 },
    )
  })

  it('with fewer slots (k) than eligible interviewers and no topic buckets to prefer, keeps the k best scores', () => {
    fc.assert(
      fc.property(fc.array(ivArb, { maxLength: 14 }), reqArb, fc.integer({ min: 1, max: 4 }), (specs, rq, k) => {
        const { index, queues } = build(specs, 1_000)
        const r = scoreReq({ ...rq, topics: [] }, k)
        const got = index.scan(r, contextOf(r.topics, r.budget, r.level, r.now), W)
        index.endBatch()
        const best = [...naive(queues, r).values()].sort((a, b) => b - a).slice(0, k)
        expect(got.bids.map((b) => b.score)).toEqual(best)
      }),
      { numRuns: 300 },
    )
  })
})
