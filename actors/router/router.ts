// The router actor: it owns every route from validation to its final outcome. It looks the user up
// (cached), scatters one scoring request per shard host, gathers bids until every host answered or
// the deadline passed, asks the best bidder's host to commit and, on refusal, tries the next bid.
// Each route is one RouteState (route.ts) moving validated → scoring → committing → decided | held |
// failed, and every outcome leaves through one finish path: counted, announced, remembered.
// Every decision keeps all bids with their factor breakdown and names the hosts that were skipped.
import type { AssignmentLog, DecisionRecord, Logger } from '../ports.ts'
import type { Bid } from '../../client/model.ts'
import type { User } from '../model/types.ts'
import type { DecisionEvent, RouteRequest, RouteResult, RouteStatus } from '../../client/protocol.ts'
import type { Subjects } from '../bus/subjects.ts'
import { EngineError } from '../engine.ts'
import type { GroupCommitter } from '../commit/committer.ts'
import type { Requester } from '../runtime/requester.ts'
import { levelIndex } from '../scoring/scoring.ts'
import type { WeightsBook } from '../scoring/weights.ts'
import { recordOf, type DecisionDraft } from '../model/decision.ts'
import type { ScoreReq } from '../shard/wire.ts'
import { Batches, type Committed, type Scored } from './batches.ts'
import { RouteState, type FinishedRoute } from './route.ts'
import type { UserCache } from './users.ts'
import { isoNow } from '../runtime/clock.ts'
import { nextId } from '../runtime/ids.ts'
import { replayStored } from '../engine/idempotency.ts'

export interface RouterOptions {
  subjects: Subjects
  requester: Requester
  shardCount: number
  gatherDeadlineMs: number
  /** How long a commit may take (group commit + database) before the request fails `unavailable`. */
  commitTimeoutMs?: number
  nodeId: string
  users: UserCache
  log: Logger
  committer: Pick<GroupCommitter, 'add'>
  store: Pick<AssignmentLog, 'findDecisionByRequestId'>
  weights: WeightsBook
  /**
   * Where an at_capacity request that may wait is held until a slot frees (DurableHeld): persisted,
   * then answered `queued`; a request_id already held elsewhere gets that hold's status (replayed).
   */
  held: { hold(req: RouteRequest, user: User, decisionId: string, checkStore: boolean, owner?: string): Promise<RouteResult> }
  /** True while some interviewer bids remotely: only then does the scoring request carry the request. */
  remoteBidding?: () => boolean
  /** Bids asked from each host (top-k); default 4. */
  k?: number
  onDecision: (e: DecisionEvent) => void
  /** False when no one listens for decisions: the finish path then builds no event. */
  wantsDecision?: () => boolean
  /** A route's final outcome, for the request_id's replays (a held request decided later, say). */
  remember?: (result: RouteResult) => void
  /** Every route once it reached its final phase (its path and stage times), e.g. for metrics. */
  observe?: (route: FinishedRoute) => void
}

/** How many times a route whose every bid was refused is scored again before it is at_capacity. */
const RESCORE_ROUNDS = 2

const NO_BIDS: Bid[] = []

/** A route's scoring and committing in progress: the router's own, never handed to another module. */
interface Attempt {
  s: RouteState
  score: ScoreReq
  remote: boolean
  /** Bids of earlier rounds, all refused; kept for the decision record. */
  prior: Bid[]
  /** This round's bids after the prior ones; `next` is the one to try. */
  bids: Bid[]
  /** This round's interviewers that passed the static filters but were full. */
  full: number
  next: number
  refused: number
  round: number
  /** performance.now() when the current scatter or commit was queued. */
  t: number
  resolve: (o: Outcome) => void
  reject: (err: unknown) => void
}

/** The executor of #decide's promise: a module function, so no closure per route; it hands its functions over here. */
const captured: { resolve: (o: Outcome) => void; reject: (err: unknown) => void } = { resolve: () => {}, reject: () => {} }
function capture(resolve: (o: Outcome) => void, reject: (err: unknown) => void): void {
  captured.resolve = resolve
  captured.reject = reject
}

/** What scoring and committing came to: the route's decision before it is finished. */
type Outcome =
  /** Committed (and recorded) by the owning host. */
  | { kind: 'assigned'; result: RouteResult; iv: number; score: number }
  /** Nobody could take it; not recorded yet. */
  | { kind: 'unassigned'; result: RouteResult; record: DecisionRecord }
  /** The request_id was committed before (elsewhere): the stored first outcome. */
  | { kind: 'replayed'; result: RouteResult; record: DecisionRecord }

export class Router {
  #o: RouterOptions
  #k: number
  #batches: Batches
  #decisions = 0
  #outcomes: Record<string, number> = {}

  constructor(o: RouterOptions) {
    this.#o = o
    this.#k = o.k ?? 4
    this.#batches = new Batches({ requester: o.requester, subjects: o.subjects, shardCount: o.shardCount, gatherDeadlineMs: o.gatherDeadlineMs, commitTimeoutMs: o.commitTimeoutMs ?? 10_000 })
  }

  /** Routes finished so far, in all and per final status. */
  get counts(): { decisions: number; outcomes: Record<string, number> } {
    return { decisions: this.#decisions, outcomes: { ...this.#outcomes } }
  }

  /**
   * A client's route (already validated): decided, held or failed. `checkStore` asks the store for
   * the request_id's first outcome before answering what is never committed (unknown user, held).
   */
  async route(req: RouteRequest, checkStore: boolean, t0 = performance.now(), owner?: string): Promise<RouteResult> {
    const s = new RouteState(req, t0)
    try {
      // A cached user costs no await: most routes go straight on to scoring.
      const user = this.#o.users.peek(req.user_id, Date.now()) ?? (await this.#user(s))
      if (!user) {
        const stored = checkStore ? await this.#stored(req) : null
        if (stored) return this.#finish(s, 'decided', stored, null)
        const result: RouteResult = { status: 'user_not_found', user_id: req.user_id, message: `user ${req.user_id} not found` }
        if (req.request_id) result.request_id = req.request_id
        return this.#finish(s, 'decided', result, null)
      }
      const o = await this.#decide(s, user)
      if (o.kind === 'assigned') return this.#finish(s, 'decided', o.result, null, o)
      if (o.kind === 'unassigned' && o.result.status === 'at_capacity' && req.wait && req.sla_min > 0) return await this.#hold(s, user, o.record, checkStore, owner)
      return await this.#settle(s, o)
    } catch (err) {
      throw this.#failed(s, err)
    }
  }

  /** A held request's retry when a slot freed: finished when assigned, else null (it stays held). */
  async retry(req: RouteRequest, user: User): Promise<RouteResult | null> {
    const s = new RouteState(req, performance.now())
    try {
      const o = await this.#decide(s, user)
      if (o.result.status !== 'assigned') {
        s.to('held')
        this.#o.observe?.(s)
        return null
      }
      return this.#finish(s, 'decided', o.result, o.kind === 'assigned' ? null : o.record, o.kind === 'assigned' ? o : undefined)
    } catch (err) {
      throw this.#failed(s, err)
    }
  }

  /** A decision a hold ended with (dropped, cancelled): recorded (a `conflict` replays), then finished and announced. */
  async record(record: DecisionRecord): Promise<void> {
    const s = new RouteState(record.request, performance.now())
    try {
      const replay = await this.#persist(record)
      if (replay) this.#finish(s, 'decided', replay.result, replay.record)
      else this.#finish(s, 'decided', record.result, record)
    } catch (err) {
      throw this.#failed(s, err)
    }
  }

  /** A held request's sla_min passed: one last try, else it is recorded (and announced) as expired. */
  async expire(req: RouteRequest): Promise<void> {
    const s = new RouteState({ ...req, wait: false }, performance.now())
    const user = await this.#user(s).catch(() => null)
    if (!user) return void this.#failed(s, new EngineError('not_found', `user ${req.user_id} not found`))
    let o: Outcome
    try {
      o = await this.#decide(s, user)
    } catch (err) {
      return void this.#failed(s, err)
    }
    if (o.kind !== 'unassigned') return void this.#finish(s, 'decided', o.result, o.kind === 'replayed' ? o.record : null, o.kind === 'assigned' ? o : undefined)
    const result: RouteResult = { status: 'expired', user_id: req.user_id, message: `no slot within sla_min=${req.sla_min}`, decision_id: o.record.decision_id }
    if (req.request_id) result.request_id = req.request_id
    const record: DecisionRecord = { ...o.record, status: 'expired', result }
    // Announced as expired even when the record cannot be written: the client's wait is over.
    await this.#persist(record).catch((err: unknown) => this.#o.log.warn({ err }, 'expired decision not recorded'))
    this.#finish(s, 'decided', result, record)
  }

  /** Routes `req` again (a rejected or lapsed offer), never to `exclude`; no holding. */
  async again(req: RouteRequest, exclude: number[]): Promise<RouteResult> {
    const s = new RouteState(req, performance.now())
    try {
      const user = req.language ? await this.#user(s) : null
      if (!user) throw new EngineError('not_found', 'the rejected offer cannot be routed again')
      return await this.#settle(s, await this.#decide(s, user, exclude))
    } catch (err) {
      throw this.#failed(s, err)
    }
  }

  /** The user, from cache or the directory; null when unknown. Throws `unavailable` on a DB error. */
  async #user(s: RouteState): Promise<User | null> {
    const id = s.req.user_id
    const hit = this.#o.users.peek(id, Date.now())
    if (hit) return hit
    const t = performance.now()
    try {
      return await this.#o.users.load(id)
    } catch (err) {
      throw new EngineError('unavailable', 'user lookup failed', { cause: err })
    } finally {
      s.times.user_ms = performance.now() - t
    }
  }

  /**
   * Scoring and committing: scatter, gather, commit the best bid that still fits. Routes scored in
   * the same event-loop turn travel together (see Batches); each still gets its own bids and decision.
   * One Attempt per route carries it from callback to callback (#scoreRound → #scored → #tryNext →
   * #committed) instead of a suspended async frame: with hundreds of routes in flight, those frames
   * were young-generation garbage the scavenger copied on every collection (measured in
   * BENCHMARKS.md, "Routing core before and after this rework").
   */
  #decide(s: RouteState, user: User, exclude?: number[]): Promise<Outcome> {
    const p = new Promise<Outcome>(capture)
    const o = this.#o
    const req = s.req
    const remote = o.remoteBidding?.() ?? false
    // Plain data for the wire: a copy of what the hosts need, never this route's state.
    const score: ScoreReq = {
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
    if (exclude?.length) score.excl = exclude
    const a: Attempt = { s, score, remote, prior: NO_BIDS, bids: NO_BIDS, full: 0, next: 0, refused: 0, round: 0, t: 0, resolve: captured.resolve, reject: captured.reject }
    this.#scoreRound(a)
    return p
  }

  /** One scoring round: scatter to the hosts; #scored goes on once they answered. */
  #scoreRound(a: Attempt): void {
    a.s.to('scoring')
    a.t = performance.now()
    // A request shown to remote bidders waits for them: it goes alone, holding no other route up.
    this.#batches.score(a.score, a.remote).then(
      (got) => this.#scored(a, got),
      (err: unknown) => a.reject(err),
    )
  }

  #scored(a: Attempt, got: Scored): void {
    try {
      const o = this.#o
      const s = a.s
      const req = s.req
      s.times.gather_ms += performance.now() - a.t
      if (o.shardCount > 1) got.bids.sort((x, y) => y.score - x.score)
      const bids = a.prior.length > 0 ? a.prior.concat(got.bids) : got.bids
      a.bids = bids
      a.full = got.full
      a.next = a.prior.length
      s.draft = {
        type: 'decision',
        decision_id: s.draft?.decision_id ?? nextId(),
        request_id: req.request_id ?? null,
        user_id: req.user_id,
        weights_version: o.weights.version,
        bids,
        skipped_hosts: got.skipped,
        latency_us: 0,
        node_id: o.nodeId,
        at: isoNow(),
        request: req,
      }
      if (bids.length === 0 && got.skipped.length > 0) {
        // Nobody bid, but a host that may hold eligible interviewers never answered: `no_candidates`
        // would be a claim we cannot make. Fail the request so the client retries.
        throw new EngineError('unavailable', `no bids, and shard hosts ${got.skipped.join(', ')} did not answer within ${o.gatherDeadlineMs} ms; retry`)
      }
      this.#tryNext(a)
    } catch (err) {
      a.reject(err)
    }
  }

  /** Asks the host of the next bid to commit; with none left, scores again or decides unassigned. */
  #tryNext(a: Attempt): void {
    const o = this.#o
    const s = a.s
    const req = s.req
    const draft = s.draft as DecisionDraft
    if (a.next < a.bids.length) {
      const bid = a.bids[a.next]
      s.to('committing')
      draft.latency_us = Math.round((performance.now() - s.t0) * 1000)
      a.t = performance.now()
      this.#batches.commit(bid.interviewer_id % o.shardCount, { iv: bid.interviewer_id, score: bid.score, sla: req.sla_min, draft }).then(
        (c) => this.#committed(a, bid, c),
        (err: unknown) => a.reject(err),
      )
      return
    }
    if (a.refused > 0 && a.round < RESCORE_ROUNDS) {
      // Every bid was refused: their interviewers filled up between bidding and commit (a burst
      // of alike routes). Bids are a snapshot, so score again against the current state, without
      // the refusers, rather than answer at_capacity while other interviewers have room.
      const excl = a.score.excl ? a.score.excl.slice() : []
      for (const b of a.bids) excl.push(b.interviewer_id)
      a.score = { ...a.score, excl, now: Date.now() }
      a.prior = a.bids
      a.round++
      this.#scoreRound(a)
      return
    }
    const status: RouteStatus = a.full > 0 || a.refused > 0 ? 'at_capacity' : 'no_candidates'
    const result: RouteResult = {
      status,
      user_id: req.user_id,
      decision_id: draft.decision_id,
      message: status === 'at_capacity' ? 'every eligible interviewer is at capacity' : 'no interviewer passes the hard filters',
    }
    if (req.request_id) result.request_id = req.request_id
    if (draft.skipped_hosts.length) result.message += ` (hosts skipped: ${draft.skipped_hosts.join(', ')})`
    draft.latency_us = Math.round((performance.now() - s.t0) * 1000)
    a.resolve({ kind: 'unassigned', result, record: recordOf(draft, status, null, null, result, null) })
  }

  #committed(a: Attempt, bid: Bid, c: Committed): void {
    try {
      const s = a.s
      const { reply, sentAt } = c
      s.times.commit_wait_ms += sentAt - a.t
      s.times.commit_ms += performance.now() - sentAt
      if (reply.ok) {
        // A copy: the host's object is also the stored record's result.
        const r = { ...reply.result }
        ;(s.draft as DecisionDraft).latency_us = Math.round((performance.now() - s.t0) * 1000)
        return a.resolve({ kind: 'assigned', result: r, iv: r.interviewer_id ?? bid.interviewer_id, score: r.score ?? bid.score })
      }
      if (reply.code === 'unavailable') throw new EngineError('unavailable', 'assignment could not be committed')
      if (reply.code === 'conflict') return void this.#replay(s.req).then(a.resolve, a.reject)
      a.refused++
      a.next++
      this.#tryNext(a)
    } catch (err) {
      a.reject(err)
    }
  }

  /** An outcome the router reached itself is recorded first (a `conflict` replays), then finished. */
  async #settle(s: RouteState, o: Outcome): Promise<RouteResult> {
    if (o.kind === 'assigned') return this.#finish(s, 'decided', o.result, null, o)
    if (o.kind === 'replayed') return this.#finish(s, 'decided', o.result, o.record)
    const replay = await this.#persist(o.record)
    if (replay) return this.#finish(s, 'decided', replay.result, replay.record)
    return this.#finish(s, 'decided', o.result, o.record)
  }

  /** At capacity and allowed to wait: handed to the held set, answered `queued` (not recorded). */
  async #hold(s: RouteState, user: User, record: DecisionRecord, checkStore: boolean, owner: string | undefined): Promise<RouteResult> {
    const req = s.req
    const stored = checkStore ? await this.#stored(req) : null
    if (stored) return this.#finish(s, 'decided', stored, null)
    const result = await this.#o.held.hold(req, user, record.decision_id, checkStore, owner)
    if (result.replayed) return this.#finish(s, 'decided', result, null)
    return this.#finish(s, 'held', result, { ...record, status: 'queued' })
  }

  /**
   * The one way a route ends with an answer: its final phase, counted by status, announced (the
   * record is built only when someone listens), remembered for its request_id. A replay is the
   * first outcome again: neither counted nor announced twice.
   */
  #finish(s: RouteState, phase: 'decided' | 'held', result: RouteResult, record: DecisionRecord | null, assigned?: { iv: number; score: number }): RouteResult {
    s.to(phase)
    if (!result.replayed) {
      this.#decisions++
      this.#outcomes[result.status] = (this.#outcomes[result.status] ?? 0) + 1
      if (this.#o.wantsDecision?.() ?? true) {
        const r = record ?? (assigned && s.draft ? recordOf(s.draft, 'assigned', assigned.iv, assigned.score, result, result.assignment_id ?? null) : null)
        if (r) this.#o.onDecision(eventOf(r))
      }
    }
    this.#o.remember?.(result)
    this.#o.observe?.(s)
    return result
  }

  /** The route failed: its error, after the route is marked failed (once) and observed. */
  #failed(s: RouteState, err: unknown): unknown {
    if (!s.final) {
      s.to('failed')
      s.error = err
      this.#o.observe?.(s)
    }
    return err
  }

  /** Records a decision the router reached itself; the stored first outcome when its key was taken. */
  async #persist(record: DecisionRecord): Promise<Extract<Outcome, { kind: 'replayed' }> | null> {
    let outcome: Awaited<ReturnType<GroupCommitter['add']>>
    try {
      outcome = await this.#o.committer.add({ decisions: [record] })
    } catch (err) {
      throw new EngineError('unavailable', 'decision could not be recorded', { cause: err })
    }
    return outcome === 'conflict' && record.request_id ? this.#replay(record.request) : null
  }

  async #replay(req: RouteRequest): Promise<Extract<Outcome, { kind: 'replayed' }>> {
    const id = req.request_id
    const stored = id ? await this.#o.store.findDecisionByRequestId(id).catch(() => null) : null
    if (!stored) throw new EngineError('unavailable', 'request_id committed elsewhere but not readable yet')
    return { kind: 'replayed', result: replayStored(req, stored), record: stored }
  }

  /** The stored first outcome of this request_id, replayed; null when there is none. */
  async #stored(req: RouteRequest): Promise<RouteResult | null> {
    if (!req.request_id) return null
    const stored = await this.#o.store.findDecisionByRequestId(req.request_id).catch((err: unknown) => {
      throw new EngineError('unavailable', 'idempotency lookup failed', { cause: err })
    })
    return stored ? replayStored(req, stored) : null
  }
}

/** The decision as operators and listeners see it: the record without the request and result. */
function eventOf(record: DecisionRecord): DecisionEvent {
  return {
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
}

function lower(topics: string[]): string[] {
  const out = new Array<string>(topics.length)
  for (let i = 0; i < topics.length; i++) out[i] = topics[i].toLowerCase()
  return out
}
