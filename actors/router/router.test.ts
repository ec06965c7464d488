// The router actor on its own: a fake shard host (plain wire messages in, bids and commit replies
// out) on the in-process bus, and each route's path through its state machine.
import { describe, expect, it } from 'vitest'
import type { Bid } from '../../client/model.ts'
import type { DecisionEvent, RouteRequest, RouteResult } from '../../client/protocol.ts'
import { LocalBus } from '../bus/local.ts'
import { subjects } from '../bus/subjects.ts'
import { EngineError } from '../engine.ts'
import type { DecisionRecord } from '../ports.ts'
import { Requester } from '../runtime/requester.ts'
import { WeightsBook } from '../scoring/weights.ts'
import { encodeCommitBatchReply, encodeScoreBatchReply, sendValue, type CommitBatch, type CommitReply, type CommitReq, type ScoreBatch, type ScoreReq } from '../shard/wire.ts'
import { user } from '../testing/fixtures.ts'
import { silentLogger } from '../../server/log.ts'
import { RouteState, type FinishedRoute } from './route.ts'
import { Router } from './router.ts'
import { UserCache } from './users.ts'

const REQ: RouteRequest = { user_id: 1, topics: ['FinTech'], language: 'English', budget: 80, sensitivity: false, sla_min: 60, request_id: 'r1' }

function bid(iv: number, score: number): Bid {
  return { interviewer_id: iv, score, factors: { topic: 1, experience: 1, cost: 1, load: 1, fairness: 1, quality: 1 }, queue_depth: 0, estimated_start_min: 0, source: 'local' }
}

/** The host's behaviour: bids per scoring round, and the answer to each commit (none: silent). */
interface HostScript {
  bids?: (r: ScoreReq, round: number) => Bid[]
  full?: number
  commit?: (c: CommitReq) => CommitReply | null
  silent?: boolean
}

function setup(script: HostScript) {
  const bus = new LocalBus()
  const s = subjects('rt')
  const seen = { scores: [] as ScoreReq[], commits: [] as CommitReq[], plain: true }
  let round = 0
  bus.subscribe(s.score(0), (m) => {
    const batch = m.value as ScoreBatch
    // Plain data: a copy through the structured clone equals it (no functions, no class instances).
    seen.plain &&= JSON.stringify(structuredClone(batch)) === JSON.stringify(batch)
    seen.scores.push(...batch.reqs)
    if (script.silent || !m.reply) return
    const lists = batch.reqs.map((r) => script.bids?.(r, round) ?? [])
    round++
    sendValue(bus, m.reply, { shard: 0, node: 'n1', full: batch.reqs.map(() => script.full ?? 0), lists }, encodeScoreBatchReply)
  })
  bus.subscribe(s.commit(0), (m) => {
    const batch = m.value as CommitBatch
    seen.plain &&= JSON.stringify(structuredClone(batch)) === JSON.stringify(batch)
    seen.commits.push(...batch.items)
    const idx: number[] = []
    const replies: CommitReply[] = []
    batch.items.forEach((c, i) => {
      const r = script.commit?.(c) ?? null
      if (r) {
        idx.push(i)
        replies.push(r)
      }
    })
    if (m.reply && idx.length) sendValue(bus, m.reply, { idx, replies }, encodeCommitBatchReply)
  })
  const finished: FinishedRoute[] = []
  const decisions: DecisionEvent[] = []
  const recorded: DecisionRecord[] = []
  const held: RouteRequest[] = []
  const remembered: RouteResult[] = []
  const router = new Router({
    subjects: s,
    requester: new Requester(bus),
    shardCount: 1,
    gatherDeadlineMs: 40,
    commitTimeoutMs: 60,
    nodeId: 'n1',
    users: new UserCache({ getUser: async (id) => (id === 404 ? null : user(id)) }),
    log: silentLogger,
    committer: {
      add: async (item) => {
        recorded.push(...(item.decisions ?? []))
        return 'ok'
      },
    },
    store: { findDecisionByRequestId: async () => null },
    weights: new WeightsBook(),
    held: {
      hold: async (req, _user, decision_id) => {
        held.push(req)
        return { status: 'queued', user_id: req.user_id, decision_id, ...(req.request_id ? { request_id: req.request_id } : {}) }
      },
    },
    onDecision: (e) => decisions.push(e),
    remember: (r) => remembered.push(r),
    observe: (r) => finished.push(r),
  })
  return { router, seen, finished, decisions, recorded, held, remembered }
}

const ok = (c: CommitReq): CommitReply => ({
  ok: true,
  result: { status: 'assigned', user_id: c.draft.user_id, interviewer_id: c.iv, score: c.score, assignment_id: `a${c.iv}`, decision_id: c.draft.decision_id, request_id: 'r1' },
})

describe('router actor', () => {
  it('validated → scoring → committing → decided: assigned to the best bid, finished once', async () => {
    const t = setup({ bids: () => [bid(7, 2), bid(3, 1)], commit: ok })
    const r = await t.router.route(REQ, true)
    expect(r).toMatchObject({ status: 'assigned', interviewer_id: 7 })
    expect(t.finished.map((f) => f.path)).toEqual([['validated', 'scoring', 'committing', 'decided']])
    expect(t.seen.scores[0]).toMatchObject({ lang: 'english', topics: ['fintech'], budget: 80, sla: 60 })
    expect(t.seen.commits.map((c) => c.iv)).toEqual([7])
    expect(t.seen.plain).toBe(true)
    expect(t.decisions).toHaveLength(1)
    expect(t.decisions[0]).toMatchObject({ status: 'assigned', interviewer_id: 7, request_id: 'r1' })
    expect(t.decisions[0].bids.map((b) => b.interviewer_id)).toEqual([7, 3])
    expect(t.remembered).toEqual([r])
    expect(t.router.counts).toEqual({ decisions: 1, outcomes: { assigned: 1 } })
    // The host recorded the assigned decision: the router writes nothing itself.
    expect(t.recorded).toEqual([])
    const times = t.finished[0].times
    expect(Object.values(times).every((v) => Number.isFinite(v) && v >= 0)).toBe(true)
  })

  it('a refused bid moves on to the next one (committing → committing)', async () => {
    const t = setup({ bids: () => [bid(7, 2), bid(3, 1)], commit: (c) => (c.iv === 7 ? { ok: false, code: 'refused' } : ok(c)) })
    expect(await t.router.route(REQ, true)).toMatchObject({ status: 'assigned', interviewer_id: 3 })
    expect(t.finished[0].path).toEqual(['validated', 'scoring', 'committing', 'committing', 'decided'])
  })

  it('every bid refused: scored again without the refusers, then at_capacity, recorded by the router', async () => {
    const t = setup({ bids: (r, round) => (round === 0 ? [bid(7, 2)] : r.excl?.includes(7) ? [] : [bid(7, 2)]), commit: () => ({ ok: false, code: 'refused' }) })
    const r = await t.router.route({ ...REQ, wait: false }, true)
    expect(r.status).toBe('at_capacity')
    expect(t.seen.scores[1].excl).toEqual([7])
    expect(t.finished[0].path.slice(0, 4)).toEqual(['validated', 'scoring', 'committing', 'scoring'])
    expect(t.finished[0].phase).toBe('decided')
    expect(t.recorded.map((d) => d.status)).toEqual(['at_capacity'])
    expect(t.recorded[0].bids.map((b) => b.interviewer_id)).toEqual([7])
  })

  it('at capacity with wait: held (handed to the held set), answered queued, not recorded', async () => {
    const t = setup({ bids: () => [], full: 2 })
    const r = await t.router.route({ ...REQ, wait: true }, false)
    expect(r).toMatchObject({ status: 'queued', request_id: 'r1' })
    expect(t.held).toEqual([{ ...REQ, wait: true }])
    expect(t.finished[0].path).toEqual(['validated', 'scoring', 'held'])
    expect(t.decisions.map((d) => d.status)).toEqual(['queued'])
    expect(t.recorded).toEqual([])
    expect(t.router.counts.outcomes).toEqual({ queued: 1 })
  })

  it('a held retry that still finds no slot stays held and finishes nothing', async () => {
    const t = setup({ bids: () => [], full: 1 })
    expect(await t.router.retry({ ...REQ, wait: true }, user(1))).toBeNull()
    expect(t.finished[0].path).toEqual(['validated', 'scoring', 'held'])
    expect(t.router.counts.decisions).toBe(0)
  })

  it('an unknown user: validated → decided, user_not_found, nothing scored', async () => {
    const t = setup({ bids: () => [bid(1, 1)], commit: ok })
    expect(await t.router.route({ ...REQ, user_id: 404 }, false)).toMatchObject({ status: 'user_not_found', user_id: 404 })
    expect(t.finished[0].path).toEqual(['validated', 'decided'])
    expect(t.seen.scores).toEqual([])
  })

  it('a host that answers unavailable fails the route (→ failed), counted nowhere', async () => {
    const t = setup({ bids: () => [bid(7, 2)], commit: () => ({ ok: false, code: 'unavailable', reason: 'mailbox full' }) })
    const err = await t.router.route(REQ, true).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EngineError)
    expect((err as EngineError).code).toBe('unavailable')
    expect(t.finished[0].path).toEqual(['validated', 'scoring', 'committing', 'failed'])
    expect(t.finished[0].error).toBe(err)
    expect(t.router.counts.decisions).toBe(0)
  })

  it('timeouts: a silent host at scoring, or a commit never answered, fail the route unavailable', async () => {
    const silent = setup({ silent: true })
    await expect(silent.router.route(REQ, true)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('shard-0') })
    expect(silent.finished[0].path).toEqual(['validated', 'scoring', 'failed'])
    const noCommit = setup({ bids: () => [bid(7, 2)], commit: () => null })
    await expect(noCommit.router.route(REQ, true)).rejects.toMatchObject({ code: 'unavailable', message: 'commit timed out' })
    expect(noCommit.finished[0].path).toEqual(['validated', 'scoring', 'committing', 'failed'])
  })

  it('an expired held request is recorded and announced as expired', async () => {
    const t = setup({ bids: () => [], full: 1 })
    await t.router.expire({ ...REQ, wait: true })
    expect(t.recorded.map((d) => [d.status, d.result.status])).toEqual([['expired', 'expired']])
    expect(t.decisions.map((d) => d.status)).toEqual(['expired'])
    expect(t.remembered[0]).toMatchObject({ status: 'expired', request_id: 'r1' })
  })
})

describe('route state machine', () => {
  it('refuses moves it does not have; final phases are final', () => {
    const s = new RouteState(REQ, performance.now())
    expect(() => s.to('committing')).toThrow(/validated to committing/)
    s.to('scoring')
    s.to('held')
    expect(s.final).toBe(true)
    expect(() => s.to('scoring')).toThrow(/held to scoring/)
    expect(s.path).toEqual(['validated', 'scoring', 'held'])
  })
})
