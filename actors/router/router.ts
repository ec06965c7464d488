// The router actor: validates a request, looks the user up (cached), scatters one scoring request
// per shard host over the bus, gathers bids until every host answered or the deadline passed,
// asks the best bidder's host to commit and, on refusal, tries the next bid. Every decision keeps
// all bids with their factor breakdown and names the hosts that were skipped.
import type { Logger } from '../../server/log.ts'
import type { Bid, User } from '../model/types.ts'
import type { AssignmentLog, DecisionRecord } from '../ports.ts'
import type { DecisionEvent, RouteRequest, RouteResult, RouteStatus } from '../../client/protocol.ts'
import type { Bus } from '../bus/types.ts'
import { EngineError } from '../engine.ts'
import type { GroupCommitter } from '../commit/committer.ts'
import type { Requester } from '../runtime/requester.ts'
import { levelIndex } from '../scoring/scoring.ts'
import type { WeightsBook } from '../scoring/weights.ts'
import { draftWith, recordOf, decodeCommitReply, encodeCommitReq, tryDecodeScoreReply, encodeScoreReq, packBids, unpackBids, type CommitReply, type CommitReq, type DecisionDraft, type ScoreReply, type ScoreReq, type Subjects } from '../shard/messages.ts'
import type { UserCache } from './users.ts'
import { isoNow } from '../runtime/clock.ts'
import { nextId } from '../runtime/ids.ts'

export interface RouterOptions {
  bus: Bus
  subjects: Subjects
  requester: Requester
  shardCount: number
  gatherDeadlineMs: number
  /** How long a commit may take (group commit + database) before the request fails `unavailable`. */
  commitTimeoutMs?: number
  nodeId: string
  users: UserCache
  log: Logger
  committer: GroupCommitter
  store: Pick<AssignmentLog, 'findDecisionByRequestId'>
  weights: WeightsBook
  /** True while some interviewer bids remotely: only then does the scoring request carry the request. */
  remoteBidding?: () => boolean
  /** Bids asked from each host (top-k); default 4. */
  k?: number
  onDecision: (e: DecisionEvent) => void
  /** False when no one listens for decisions: announce() then builds nothing. */
  wantsDecision?: () => boolean
}

/** A decision reached without holding: the result plus what to record. */
export interface Decided {
  result: RouteResult
  record: DecisionRecord
  /** True when the host already persisted the record (assigned). */
  persisted: boolean
}

export class Router {
  #o: RouterOptions
  #scoreSubjects: string[]
  #commitSubjects: string[]
  #hostNames: string[]
  #k: number

  constructor(o: RouterOptions) {
    this.#o = o
    this.#k = o.k ?? 4
    this.#scoreSubjects = Array.from({ length: o.shardCount }, (_, i) => o.subjects.score(i))
    this.#commitSubjects = Array.from({ length: o.shardCount }, (_, i) => o.subjects.commit(i))
    this.#hostNames = Array.from({ length: o.shardCount }, (_, i) => `shard-${i}`)
  }

  /** The user when cached and fresh, else undefined (then call user()). */
  cachedUser(id: number): User | undefined {
    return this.#o.users.peek(id, Date.now())
  }

  /** The user, from cache or the directory; null when unknown. Throws `unavailable` on a DB error. */
  async user(id: number): Promise<User | null> {
    const hit = this.#o.users.peek(id, Date.now())
    if (hit) return hit
    try {
      return await this.#o.users.load(id)
    } catch (err) {
      throw new EngineError('unavailable', 'user lookup failed', { cause: err })
    }
  }

  /** One routing attempt: scatter, gather, commit the best bid that still fits. */
  async decide(req: RouteRequest, user: User, t0: number, exclude?: number[]): Promise<Decided> {
    const o = this.#o
    const sreq: ScoreReq = {
      lang: req.language.toLowerCase(),
      topics: req.topics.map((t) => t.toLowerCase()),
      budget: req.budget,
      sens: req.sensitivity,
      sla: req.sla_min,
      level: levelIndex(user.level),
      k: this.#k,
      now: Date.now(),
      remote_ms: Math.max(1, Math.floor(o.gatherDeadlineMs * 0.6)),
      req: o.remoteBidding?.() ? req : null,
    }
    if (exclude && exclude.length) sreq.excl = exclude
    const g = await o.requester.gatherValue(this.#scoreSubjects, sreq, encodeScoreReq, o.gatherDeadlineMs)
    let bids: Bid[] = []
    let full = 0
    let skipped: string[] = []
    const single = g.replies.length === 1 && o.shardCount === 1 ? scoreReplyOf(g.values[0], g.replies[0]) : null
    if (single) {
      bids = single.list ?? unpackBids(single.bids)
      full = single.full
    } else {
      const answered = new Set<number>()
      for (let i = 0; i < g.replies.length; i++) {
        const rep = scoreReplyOf(g.values[i], g.replies[i])
        if (!rep || rep.shard < 0 || rep.shard >= o.shardCount || answered.has(rep.shard)) continue
        answered.add(rep.shard)
        if (rep.list) for (const b of rep.list) bids.push(b)
        else unpackBids(rep.bids, bids)
        full += rep.full
      }
      if (answered.size < o.shardCount) skipped = this.#hostNames.filter((_, i) => !answered.has(i))
      bids.sort((a, b) => b.score - a.score)
    }
    const draft: DecisionDraft = {
      type: 'decision',
      decision_id: nextId(),
      request_id: req.request_id ?? null,
      user_id: req.user_id,
      weights_version: o.weights.version,
      bids,
      skipped_hosts: skipped,
      latency_us: 0,
      node_id: o.nodeId,
      at: isoNow(),
      request: req,
    }
    if (bids.length === 0 && skipped.length > 0) {
      // Nobody bid, but a host that may hold eligible interviewers never answered: `no_candidates`
      // would be a claim we cannot make. Fail the request so the client retries.
      throw new EngineError('unavailable', `no bids, and shard hosts ${skipped.join(', ')} did not answer within ${o.gatherDeadlineMs} ms; retry`)
    }
    let refused = 0
    // In-process the bids go by reference beside the draft; encoded, flattened inside it.
    const byRef = o.bus.publishValue !== undefined
    const wireBids = byRef ? NO_NUMBERS : packBids(bids)
    for (const bid of bids) {
      const creq: CommitReq = { iv: bid.interviewer_id, score: bid.score, sla: req.sla_min, draft: draftWith<number[]>(draft, wireBids, Math.round((performance.now() - t0) * 1000)) }
      if (byRef) creq.bids = bids
      const cg = await o.requester.gatherValue([this.#commitSubjects[bid.interviewer_id % o.shardCount]], creq, encodeCommitReq, o.commitTimeoutMs ?? 10_000, 1)
      if (cg.replies.length === 0) throw new EngineError('unavailable', 'commit timed out')
      let rep: CommitReply
      try {
        rep = cg.values[0] !== undefined ? (cg.values[0] as CommitReply) : decodeCommitReply(cg.replies[0])
      } catch (err) {
        throw new EngineError('unavailable', 'malformed commit reply', { cause: err })
      }
      if (rep.ok) {
        // A copy: the host's object is also the stored record's result.
        const r = { ...rep.result }
        draft.latency_us = Math.round((performance.now() - t0) * 1000)
        const record = recordOf(draft, 'assigned', r.interviewer_id ?? bid.interviewer_id, r.score ?? bid.score, r, r.assignment_id ?? null)
        return { result: r, record, persisted: true }
      }
      if (rep.code === 'unavailable') throw new EngineError('unavailable', 'assignment could not be committed')
      if (rep.code === 'conflict') return this.#replayConflict(req)
      refused++
    }
    const status: RouteStatus = full > 0 || refused > 0 ? 'at_capacity' : 'no_candidates'
    const result: RouteResult = {
      status,
      user_id: req.user_id,
      decision_id: draft.decision_id,
      message: status === 'at_capacity' ? 'every eligible interviewer is at capacity' : 'no interviewer passes the hard filters',
    }
    if (req.request_id) result.request_id = req.request_id
    if (skipped.length) result.message += ` (hosts skipped: ${skipped.join(', ')})`
    draft.latency_us = Math.round((performance.now() - t0) * 1000)
    const record = recordOf(draft, status, null, null, result, null)
    return { result, record, persisted: false }
  }

  /** Records a decision the router reached itself (not assigned); `conflict` means replay. */
  async persist(d: Decided): Promise<Decided> {
    if (d.persisted) return d
    let outcome
    try {
      outcome = await this.#o.committer.add({ decisions: [d.record] })
    } catch (err) {
      throw new EngineError('unavailable', 'decision could not be recorded', { cause: err })
    }
    if (outcome === 'conflict' && d.record.request_id) return this.#replayConflict(d.record.request)
    return { ...d, persisted: true }
  }

  /** Publishes the decision to operators and local listeners. */
  announce(record: DecisionEvent): void {
    if (this.#o.wantsDecision && !this.#o.wantsDecision()) return
    const e: DecisionEvent = {
      type: 'decision',
      decision_id: record.decision_id,
      request_id: record.request_id,
      user_id: record.user_id,
      status: record.status,
      interviewer_id: record.interviewer_id,
      score: record.score,
      weights_version: record.weights_version,
      bids: record.bids,
      skipped_hosts: record.skipped_hosts,
      latency_us: record.latency_us,
      node_id: record.node_id,
      at: record.at,
    }
    this.#o.onDecision(e)
  }

  async #replayConflict(req: RouteRequest): Promise<Decided> {
    const id = req.request_id
    const stored = id ? await this.#o.store.findDecisionByRequestId(id).catch(() => null) : null
    if (!stored) throw new EngineError('unavailable', 'request_id committed elsewhere but not readable yet')
    return { result: { ...stored.result, replayed: true }, record: stored, persisted: true }
  }
}

const NO_NUMBERS: number[] = []

/** A score reply passed by reference or encoded; null for anything malformed. */
function scoreReplyOf(value: unknown, data: Uint8Array): ScoreReply | null {
  return value !== undefined ? (value as ScoreReply) : tryDecodeScoreReply(data)
}
