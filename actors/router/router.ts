// The router actor: validates a request, looks the user up (cached), scatters one scoring request
// per shard host over the bus, gathers bids until every host answered or the deadline passed,
// asks the best bidder's host to commit and, on refusal, tries the next bid. Every decision keeps
// all bids with their factor breakdown and names the hosts that were skipped.
import type { Logger, AssignmentLog, DecisionRecord, StageObserver } from '../ports.ts'
import type { User } from '../model/types.ts'
import type { DecisionEvent, RouteRequest, RouteResult, RouteStatus } from '../../client/protocol.ts'
import type { Bus } from '../bus/types.ts'
import { EngineError } from '../engine.ts'
import type { GroupCommitter } from '../commit/committer.ts'
import type { Requester } from '../runtime/requester.ts'
import { levelIndex } from '../scoring/scoring.ts'
import type { WeightsBook } from '../scoring/weights.ts'
import { recordOf, type CommitReply, type DecisionDraft, type Subjects } from '../shard/messages.ts'
import { Batches, MALFORMED, NO_BIDS, TIMED_OUT, type Job } from './batches.ts'
import type { UserCache } from './users.ts'
import type { Decided } from './decided.ts'
import { isoNow } from '../runtime/clock.ts'
import { nextId } from '../runtime/ids.ts'
import { replayStored } from '../engine/idempotency.ts'

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
  /** Times each scatter→gather round. */
  stages?: StageObserver
}

export type { Decided }

/** How many times a route whose every bid was refused is scored again before it is at_capacity. */
const RESCORE_ROUNDS = 2

export class Router {
  #o: RouterOptions
  #k: number
  #batches: Batches

  constructor(o: RouterOptions) {
    this.#o = o
    this.#k = o.k ?? 4
    this.#batches = new Batches({ requester: o.requester, subjects: o.subjects, shardCount: o.shardCount, gatherDeadlineMs: o.gatherDeadlineMs, commitTimeoutMs: o.commitTimeoutMs ?? 10_000 }, this)
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

  /**
   * One routing attempt: scatter, gather, commit the best bid that still fits. Routes decided in
   * the same event-loop turn travel together: one score message per host, one commit message per
   * host (see Batches in shard/messages.ts); each route still gets its own bids and decision.
   */
  decide(req: RouteRequest, user: User, t0: number, exclude?: number[]): Promise<Decided> {
    // The executor is one module function (no closure per route); it hands its functions over here.
    const p = new Promise<Decided>(capture)
    const resolve = captured.resolve
    const reject = captured.reject
    try {
      const o = this.#o
      const remote = o.remoteBidding?.() ?? false
      // The job is its own scoring request (read by reference in-process; encoded field by field on NATS).
      const job: Job = {
        route: req,
        t0,
        scattered: performance.now(),
        bids: NO_BIDS,
        full: 0,
        draft: null,
        next: 0,
        refused: 0,
        rounds: 0,
        prior: null,
        resolve,
        reject,
        lang: req.language.toLowerCase(),
        topics: lower(req.topics),
        budget: req.budget,
        sens: req.sensitivity,
        sla: req.sla_min,
        level: levelIndex(user.level),
        k: this.#k,
        now: Date.now(),
        remote_ms: Math.max(1, Math.floor(o.gatherDeadlineMs * 0.6)),
        req: remote ? req : null,
      }
      if (exclude?.length) job.excl = exclude
      // A request shown to remote bidders waits for them: it goes alone, holding no other route up.
      if (remote) this.#batches.score([job])
      else this.#batches.queueScore(job)
    } catch (err) {
      reject(err)
    }
    return p
  }

  /** Every host answered (or the deadline passed) for this route: commit the best bid. */
  scored(job: Job, skipped: string[]): void {
    const o = this.#o
    o.stages?.observe('scatter_gather', performance.now() - job.scattered)
    const req = job.route
    let bids = job.bids
    if (o.shardCount > 1) bids.sort((a, b) => b.score - a.score)
    if (job.prior !== null) {
      // A re-scoring round: the refused bids stay in the record, the new ones are tried next.
      job.next = job.prior.length
      bids = job.bids = job.prior.concat(bids)
    }
    job.draft = {
      type: 'decision',
      decision_id: job.draft?.decision_id ?? nextId(),
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
      return job.reject(new EngineError('unavailable', `no bids, and shard hosts ${skipped.join(', ')} did not answer within ${o.gatherDeadlineMs} ms; retry`))
    }
    this.#tryNext(job)
  }

  /** Asks the host of the next best bid to commit; with none left, the route is decided unassigned. */
  #tryNext(job: Job): void {
    const draft = job.draft as DecisionDraft
    const bids = job.bids
    if (job.next < bids.length) {
      const bid = bids[job.next++]
      draft.latency_us = Math.round((performance.now() - job.t0) * 1000)
      this.#batches.queueCommit(bid.interviewer_id % this.#o.shardCount, job, { iv: bid.interviewer_id, score: bid.score, sla: job.route.sla_min, draft })
      return
    }
    if (job.refused > 0 && job.rounds < RESCORE_ROUNDS) {
      // Every bid was refused: their interviewers filled up between bidding and commit (a burst
      // of alike routes). Bids are a snapshot, so score again against the current state, without
      // the refusers, rather than answer at_capacity while other interviewers have room.
      job.rounds++
      job.prior = bids
      const excl = job.excl ? job.excl.slice() : []
      for (let i = 0; i < bids.length; i++) excl.push(bids[i].interviewer_id)
      job.excl = excl
      job.bids = NO_BIDS
      job.full = 0
      job.now = Date.now()
      job.scattered = performance.now()
      if (job.req !== null) this.#batches.score([job])
      else this.#batches.queueScore(job)
      return
    }
    const req = job.route
    const status: RouteStatus = job.full > 0 || job.refused > 0 ? 'at_capacity' : 'no_candidates'
    const result: RouteResult = {
      status,
      user_id: req.user_id,
      decision_id: draft.decision_id,
      message: status === 'at_capacity' ? 'every eligible interviewer is at capacity' : 'no interviewer passes the hard filters',
    }
    if (req.request_id) result.request_id = req.request_id
    if (draft.skipped_hosts.length) result.message += ` (hosts skipped: ${draft.skipped_hosts.join(', ')})`
    draft.latency_us = Math.round((performance.now() - job.t0) * 1000)
    job.resolve({ result, record: recordOf(draft, status, null, null, result, null), persisted: false })
  }

  /** The owning actor answered the commit of the current bid. */
  committed(job: Job, rep: CommitReply): void {
    if (rep.ok) {
      const draft = job.draft as DecisionDraft
      const bid = job.bids[job.next - 1]
      // A copy: the host's object is also the stored record's result.
      const r = { ...rep.result }
      draft.latency_us = Math.round((performance.now() - job.t0) * 1000)
      return job.resolve(new Assigned(r, draft, r.interviewer_id ?? bid.interviewer_id, r.score ?? bid.score))
    }
    if (rep.code === 'unavailable') return job.reject(new EngineError('unavailable', rep === TIMED_OUT || rep === MALFORMED ? (rep.reason as string) : 'assignment could not be committed'))
    if (rep.code === 'conflict') return void this.#replayConflict(job.route).then(job.resolve, job.reject)
    job.refused++
    this.#tryNext(job)
  }

  /** Records a decision the router reached itself (not assigned); `conflict` means replay. */
  async persist(d: Decided): Promise<Decided> {
    if (d.persisted) return d
    let outcome: Awaited<ReturnType<GroupCommitter['add']>>
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
    return { result: replayStored(req, stored), record: stored, persisted: true }
  }
}

/** An assigned decision: its record is built only if someone reads it (announce, idempotency). */
class Assigned implements Decided {
  readonly persisted = true
  readonly result: RouteResult
  #draft: DecisionDraft
  #iv: number
  #score: number
  #record: DecisionRecord | null = null

  constructor(result: RouteResult, draft: DecisionDraft, iv: number, score: number) {
    this.result = result
    this.#draft = draft
    this.#iv = iv
    this.#score = score
  }

  get record(): DecisionRecord {
    return (this.#record ??= recordOf(this.#draft, 'assigned', this.#iv, this.#score, this.result, this.result.assignment_id ?? null))
  }
}

const captured: { resolve: (d: Decided) => void; reject: (err: unknown) => void } = { resolve: () => {}, reject: () => {} }

function capture(resolve: (d: Decided) => void, reject: (err: unknown) => void): void {
  captured.resolve = resolve
  captured.reject = reject
}

function lower(topics: string[]): string[] {
  const out = new Array<string>(topics.length)
  for (let i = 0; i < topics.length; i++) out[i] = topics[i].toLowerCase()
  return out
}
