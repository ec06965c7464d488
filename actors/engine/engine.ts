// The routing engine of one process: the router actor, this node's shard host, the group
// committer and the bus, behind the RoutingEngine interface the gateway calls.
import type { EngineConfig, Logger, AssignmentLog, Directory, HeldLog, WeightsStore, StageObserver } from '../ports.ts'
import type { Availability, Weights } from '../../client/model.ts'
import type { AssignmentEvent, DecisionEvent, HeldEntry, HeldPolicy, InterviewEnd, InterviewerState, RouteRequest, RouteResult } from '../../client/protocol.ts'
import type { Bus, BusSubscription } from '../bus/types.ts'
import { EngineError, type CancelResult, type CompleteResult, type EngineStats, type RemoteBidder, type RoutingEngine } from '../engine.ts'
import { GroupCommitter } from '../commit/committer.ts'
import { Requester } from '../runtime/requester.ts'
import { WeightsBook, WeightsError } from '../scoring/weights.ts'
import { ShardHost } from '../shard/host.ts'
import { subjects, type Subjects } from '../bus/subjects.ts'
import { pack, unpack, type BidderMsg, type TransitionResult } from '../shard/wire.ts'
import { Router } from '../router/router.ts'
import type { FinishedRoute } from '../router/route.ts'
import { UserCache } from '../router/users.ts'
import { checkRouteRequest, routeFieldsOf } from '../../client/schemas.ts'
import { EventHub } from './events.ts'
import { checkSameRequest, fingerprint } from './idempotency.ts'
import { DurableHeld } from '../held/durable.ts'
import type { FreedNotice } from '../held/notice.ts'
import { isSnapshotLog, Restorer } from '../snapshot/restorer.ts'
import { Snapshotter } from '../snapshot/snapshotter.ts'
import { auditAndSnapshot, reofferExpired, routeAgain } from './durable-ops.ts'
import { Control, subscribeBidder } from './control.ts'

export interface EngineOptions {
  config: EngineConfig
  bus: Bus
  store: Directory & AssignmentLog & WeightsStore & HeldLog
  log: Logger
  /** Most candidates a shard host scores per request (see CandidateIndex). */
  scanLimit?: number
  /** Timeout of control requests (complete, cancel, state) across nodes. */
  ctlTimeoutMs?: number
  heartbeatMs?: number
  /** Every route once final: its phase path and stage times (e.g. for latency histograms). */
  onRoute?: (route: FinishedRoute) => void
  /** Where the group committer's timings go: a route's wait for its commit batch, and the batch's commit. */
  stages?: StageObserver
}

const RECENT_MAX = 100_000

export class Engine implements RoutingEngine {
  #o: EngineOptions
  #c: EngineConfig
  #s: Subjects
  #weights = new WeightsBook()
  #requester: Requester
  #ctl: Control
  #committer: GroupCommitter
  #host: ShardHost
  #router: Router
  #users: UserCache
  #events: EventHub
  #held: DurableHeld
  #subs: BusSubscription[] = []
  #bidders = new Map<number, { bidder: RemoteBidder; sub: BusSubscription }>()
  /** Interviewers with a remote bidder anywhere in the cluster (from `bidders` announcements). */
  #remoteKnown = new Set<number>()
  /** request_id → the route in flight, and its fingerprint (idempotency.ts). */
  #inflight = new Map<string, { p: Promise<RouteResult>; fp: string }>()
  /** request_id → the latest outcome of its route, and its fingerprint. */
  #recent = new Map<string, { r: RouteResult; fp: string }>()
  #routing = 0
  #running = false
  #startedAt = Date.now()
  #heartbeat: NodeJS.Timeout | null = null
  /** Snapshot restore and writer, when the store keeps snapshots (durability). */
  #restorer: Restorer | null = null
  #snapshotter: Snapshotter | null = null

  constructor(o: EngineOptions) {
    this.#o = o
    const c = (this.#c = o.config)
    this.#s = subjects(c.SUBJECT_PREFIX)
    this.#requester = new Requester(o.bus)
    this.#ctl = new Control(this.#requester, this.#s, c.SHARD_COUNT, o.ctlTimeoutMs ?? 5_000)
    this.#committer = new GroupCommitter({ log: o.store, maxBatch: c.COMMIT_MAX_BATCH, maxDelayMs: c.COMMIT_MAX_DELAY_MS, stages: o.stages })
    this.#events = new EventHub(o.bus, this.#s, c.NODE_ID, (iv) => iv % c.SHARD_COUNT === c.SHARD_INDEX)
    const snaps = isSnapshotLog(o.store) ? o.store : null
    if (snaps) this.#restorer = new Restorer(o.store, snaps, { index: c.SHARD_INDEX, count: c.SHARD_COUNT }, o.log)
    this.#host = new ShardHost({
      bus: o.bus,
      subjects: this.#s,
      shardIndex: c.SHARD_INDEX,
      shardCount: c.SHARD_COUNT,
      nodeId: c.NODE_ID,
      committer: this.#committer,
      store: this.#restorer?.store ?? o.store,
      adopt: this.#restorer ? (q) => this.#restorer?.adopt(q) : undefined,
      onOfferExpired: (a, req) => {
        if (this.#running) void reofferExpired({ router: this.#router, store: o.store, log: o.log }, a, req)
      },
      weights: this.#weights,
      requester: this.#requester,
      mailboxLimit: c.MAILBOX_LIMIT,
      offerTimeoutMs: c.OFFER_TIMEOUT_S * 1000,
      log: o.log,
      scanLimit: o.scanLimit,
      onAssignment: (a, previous, cq) => this.#events.assignmentOf(a, previous, cq),
    })
    if (snaps) {
      const host = this.#host
      this.#snapshotter = new Snapshotter({
        log: snaps,
        logger: o.log,
        nodeId: c.NODE_ID,
        shardIndex: c.SHARD_INDEX,
        shardCount: c.SHARD_COUNT,
        intervalMs: c.SNAPSHOT_INTERVAL_S * 1000,
        queues: () => host.queues(),
      })
    }
    this.#users = new UserCache(o.store)
    // Held requests are retried and expired by the router (a later call: both are built by then).
    this.#held = new DurableHeld({
      store: o.store,
      nodeId: c.NODE_ID,
      leaseMs: c.HELD_LEASE_S * 1000,
      log: o.log,
      agingPerMin: c.HELD_AGING_PER_MIN,
      maxHeld: c.HELD_MAX_PER_NODE,
      maxPerOwner: c.HELD_MAX_PER_PRINCIPAL,
      user: async (id) => this.#users.peek(id, Date.now()) ?? this.#users.load(id),
      record: (rec) => this.#router.record(rec),
      attempt: (h) => this.#router.retry(h.req, h.user),
      expire: (h) => this.#router.expire(h.req),
    })
    this.#router = new Router({
      subjects: this.#s,
      requester: this.#requester,
      shardCount: c.SHARD_COUNT,
      gatherDeadlineMs: c.GATHER_DEADLINE_MS,
      nodeId: c.NODE_ID,
      users: this.#users,
      log: o.log,
      committer: this.#committer,
      store: o.store,
      weights: this.#weights,
      held: this.#held,
      onDecision: (e) => this.#events.decision(e),
      wantsDecision: () => this.#events.wantsDecisions(),
      remoteBidding: () => this.#remoteKnown.size > 0,
      remember: (r) => this.#replaysNow(r),
      observe: o.onRoute,
    })
  }

  async start(): Promise<void> {
    const w = await this.#o.store.latestWeights()
    if (w) this.#weights.adopt(w)
    await this.#host.load()
    this.#host.start()
    this.#snapshotter?.start()
    this.#events.start()
    const { bus } = this.#o
    this.#subs.push(
      bus.subscribe(this.#s.freed, (m) => this.#held.freed(unpack<FreedNotice>(m.data))),
      bus.subscribe(this.#s.heldPolicy, (m) => {
        const p = unpack<HeldPolicy>(m.data)
        if (p.aging_per_min !== this.#held.requests.agingPerMin) this.#held.requests.setAging(p.aging_per_min)
      }),
      bus.subscribe(this.#s.weights, (m) => this.#weights.adopt(unpack<Weights>(m.data))),
      bus.subscribe(this.#s.bidders, (m) => {
        const b = unpack<BidderMsg>(m.data)
        if (b.on) this.#remoteKnown.add(b.iv)
        else this.#remoteKnown.delete(b.iv)
      }),
    )
    this.#running = true
    await this.#held.start(() => this.#weights.version)
    this.#startedAt = Date.now()
    const every = this.#o.heartbeatMs ?? 5_000
    this.#heartbeat = setInterval(() => this.#beat(), every)
    this.#heartbeat.unref?.()
    this.#beat()
  }

  async stop(): Promise<void> {
    this.#running = false
    if (this.#heartbeat) clearInterval(this.#heartbeat)
    this.#heartbeat = null
    await this.#held.stop()
    const until = Date.now() + 5_000
    while (this.#routing > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5))
    await this.#committer.drain()
    await this.#snapshotter?.stop()
    for (const b of this.#bidders.values()) b.sub.unsubscribe()
    this.#bidders.clear()
    for (const s of this.#subs.splice(0)) s.unsubscribe()
    this.#events.stop()
    this.#host.stop()
    this.#requester.close()
  }

  route(input: RouteRequest, owner?: string): Promise<RouteResult> {
    let req: RouteRequest
    try {
      if (!this.#running) throw new EngineError('unavailable', 'engine is not running')
      req = validRoute(input)
      if (this.#routing >= this.#c.MAX_INFLIGHT) throw new EngineError('unavailable', 'too many routes in flight')
    } catch (err) {
      return Promise.reject(err)
    }
    const rid = req.request_id
    if (rid === undefined) return this.#counted(req, false, owner)
    return this.#idempotent(req, rid, owner)
  }

  async #idempotent(req: RouteRequest, rid: string, owner: string | undefined): Promise<RouteResult> {
    const fp = fingerprint(req)
    const inflight = this.#inflight.get(rid)
    if (inflight) {
      checkSameRequest(req, inflight.fp)
      return inflight.p.then((r) => ({ ...r, replayed: true }))
    }
    const held = this.#held.find(rid)
    if (held) {
      checkSameRequest(req, fingerprint(held.req))
      return this.#held.status(held, true)
    }
    const recent = this.#recent.get(rid)
    if (recent) {
      checkSameRequest(req, recent.fp)
      return { ...recent.r, replayed: true }
    }
    const p = this.#counted(req, true, owner)
    this.#inflight.set(rid, { p, fp })
    try {
      const r = await p
      this.#remember(rid, r, fp)
      return r
    } finally {
      this.#inflight.delete(rid)
    }
  }

  /** One route, counted in flight (stop() waits for them); the router owns it from here. */
  #counted(req: RouteRequest, checkStore: boolean, owner: string | undefined): Promise<RouteResult> {
    this.#routing++
    return this.#router.route(req, checkStore, performance.now(), owner).then(this.#uncount, this.#uncountErr)
  }

  #uncount = (r: RouteResult): RouteResult => {
    this.#routing--
    return r
  }

  #uncountErr = (err: unknown): never => {
    this.#routing--
    throw err
  }

  /** A route's final outcome: a held request decided later now replays it (same fingerprint). */
  #replaysNow(r: RouteResult): void {
    const known = r.request_id ? this.#recent.get(r.request_id) : undefined
    if (known) known.r = r
  }

  #remember(rid: string, r: RouteResult, fp: string): void {
    if (this.#recent.size >= RECENT_MAX) this.#recent.delete(this.#recent.keys().next().value as string)
    this.#recent.set(rid, { r, fp })
  }

  // ---- control: complete / cancel / offers / availability / state, addressed over the bus ----

  async complete(by: { interviewer_id: number } | { assignment_id: string }, end: InterviewEnd = {}): Promise<CompleteResult> {
    const outcome = end.outcome ?? 'completed'
    // A rating rates an interview that took place: a no-show or an abandoned one has none.
    if (end.rating !== undefined && outcome !== 'completed') throw new EngineError('invalid', `rating is only given with outcome "completed", not "${outcome}"`)
    const r =
      'interviewer_id' in by
        ? await this.#ctl.one<TransitionResult>({ op: 'complete', iv: by.interviewer_id, end }, this.#ctl.shardOf(by.interviewer_id))
        : await this.#ctl.one<TransitionResult>({ op: 'complete', aid: by.assignment_id, end }, 'all')
    return { status: 'completed', outcome, assignment_id: r.assignment.id, interviewer_id: r.interviewer_id, current_queue: r.current_queue }
  }

  async cancel(assignmentId: string): Promise<CancelResult> {
    const r = await this.#ctl.one<TransitionResult>({ op: 'cancel', aid: assignmentId }, 'all')
    return { status: 'cancelled', assignment_id: r.assignment.id, interviewer_id: r.interviewer_id, current_queue: r.current_queue }
  }

  heldPolicy(): HeldPolicy {
    return { aging_per_min: this.#held.requests.agingPerMin }
  }

  async setHeldPolicy(policy: HeldPolicy, by: string): Promise<HeldPolicy> {
    try {
      this.#held.requests.setAging(policy.aging_per_min)
    } catch (err) {
      throw new EngineError('invalid', err instanceof Error ? err.message : String(err), { cause: err })
    }
    this.#o.bus.publish(this.#s.heldPolicy, pack(policy))
    await auditAndSnapshot(this.#o.store, null, this.#o.log, by, 'held_policy', { ...policy, node_id: this.#c.NODE_ID })
    return this.heldPolicy()
  }

  held(): HeldEntry[] {
    return this.#held.list()
  }

  /** A client cancels its own held request (by its request_id): it leaves the hold with a decision row. */
  async cancelHeld(requestId: string): Promise<{ status: 'cancelled'; request_id: string; decision_id: string }> {
    const h = this.#held.find(requestId)
    if (!h) throw new EngineError('not_found', `no request is held on this node with request_id ${JSON.stringify(requestId)}`)
    let ok: boolean
    try {
      ok = await this.#held.cancel(requestId, this.#weights.version)
    } catch (err) {
      throw new EngineError('unavailable', 'the cancellation could not be recorded', { cause: err })
    }
    if (!ok) throw new EngineError('conflict', 'the held request is being routed right now; ask again for its outcome')
    return { status: 'cancelled', request_id: requestId, decision_id: h.id }
  }

  async accept(assignmentId: string): Promise<{ status: 'accepted'; assignment_id: string }> {
    await this.#ctl.one<TransitionResult>({ op: 'accept', aid: assignmentId }, 'all')
    return { status: 'accepted', assignment_id: assignmentId }
  }

  /** Rejecting an offer frees it and routes the request again, never to the same interviewer. */
  async reject(assignmentId: string): Promise<RouteResult> {
    const r = await this.#ctl.one<TransitionResult>({ op: 'reject', aid: assignmentId }, 'all')
    return routeAgain({ router: this.#router, store: this.#o.store }, r.assignment, r.request)
  }

  async setAvailability(interviewerId: number, availability: Availability): Promise<InterviewerState> {
    return this.#ctl.one<InterviewerState>({ op: 'availability', iv: interviewerId, av: availability }, this.#ctl.shardOf(interviewerId))
  }

  async state(): Promise<InterviewerState[]> {
    const parts = await this.#ctl.all<InterviewerState[]>({ op: 'state' })
    return parts.flat().sort((a, b) => a.interviewer_id - b.interviewer_id)
  }

  async stateOf(interviewerId: number): Promise<InterviewerState | null> {
    const parts = await this.#ctl.all<InterviewerState[]>({ op: 'state', iv: interviewerId })
    return parts.flat()[0] ?? null
  }

  async assignmentOwner(assignmentId: string): Promise<number | null> {
    const parts = await this.#ctl.all<number>({ op: 'owner', aid: assignmentId })
    return parts[0] ?? null
  }

  weights(): Weights {
    return { ...this.#weights.current }
  }

  async setWeights(patch: Partial<Omit<Weights, 'version'>>, by: string): Promise<Weights> {
    let next: Weights
    try {
      const stored = await this.#o.store.latestWeights()
      next = this.#weights.next(patch, stored?.version ?? 0)
    } catch (err) {
      if (err instanceof WeightsError) throw new EngineError('invalid', err.message, { cause: err })
      throw new EngineError('unavailable', 'weights could not be read', { cause: err })
    }
    try {
      await this.#o.store.saveWeights(next, by)
    } catch (err) {
      throw new EngineError('unavailable', 'weights could not be saved', { cause: err })
    }
    this.#weights.adopt(next)
    this.#o.bus.publish(this.#s.weights, pack(next))
    return { ...next }
  }

  async resetQueues(_by: string): Promise<{ cleared: number }> {
    // Hosts commit the cancellations before emptying queues: restore replays them over older snapshots.
    const parts = await this.#ctl.all<number>({ op: 'reset', by: _by })
    const cleared = parts.reduce((a, b) => a + b, 0)
    await auditAndSnapshot(this.#o.store, this.#snapshotter, this.#o.log, _by, 'reset_queues', { cleared, shards_answered: parts.length, node_id: this.#c.NODE_ID })
    return { cleared }
  }

  async reload(_by: string): Promise<{ users: number; interviewers: number }> {
    this.#users.clear()
    const parts = await this.#ctl.all<{ interviewers: number }>({ op: 'reload' })
    const interviewers = parts.reduce((a, b) => a + b.interviewers, 0)
    await auditAndSnapshot(this.#o.store, this.#snapshotter, this.#o.log, _by, 'reload', { interviewers, shards_answered: parts.length, node_id: this.#c.NODE_ID })
    return { users: 0, interviewers }
  }

  /** Snapshot state for operators and benchmarks: the last restore, and runs written since start. */
  get durability(): { restore: Restorer['last']; snapshot_runs: number } {
    return { restore: this.#restorer?.last ?? null, snapshot_runs: this.#snapshotter?.runs ?? 0 }
  }

  /** Takes a snapshot now (tests, benchmarks); resolves the interviewers written, 0 without snapshots. */
  snapshotNow(reason = 'manual'): Promise<number> {
    return this.#snapshotter?.run(reason) ?? Promise.resolve(0)
  }

  async stats(): Promise<EngineStats> {
    return {
      node_id: this.#c.NODE_ID,
      interviewers: this.#host.size,
      ...this.#router.counts,
      open_assignments: this.#host.openAssignments,
      weights_version: this.#weights.version,
      held: { size: this.#held.size, ...this.#held.counters },
    }
  }

  setRemoteBidder(interviewerId: number, bidder: RemoteBidder): () => void {
    this.#bidders.get(interviewerId)?.sub.unsubscribe()
    const sub = subscribeBidder(this.#o.bus, this.#s, interviewerId, bidder)
    const entry = { bidder, sub }
    this.#bidders.set(interviewerId, entry)
    this.#o.bus.publish(this.#s.bidders, pack({ iv: interviewerId, on: true }))
    return () => {
      if (this.#bidders.get(interviewerId) !== entry) return
      sub.unsubscribe()
      this.#bidders.delete(interviewerId)
      this.#o.bus.publish(this.#s.bidders, pack({ iv: interviewerId, on: false }))
    }
  }

  onDecision(listener: (e: DecisionEvent) => void): () => void {
    return this.#events.onDecision(listener)
  }

  onHeldOutcome(listener: (owner: string, result: RouteResult) => void): () => void {
    return this.#held.onOutcome(listener)
  }

  onAssignment(listener: (e: AssignmentEvent) => void): () => void {
    return this.#events.onAssignment(listener)
  }

  #beat(): void {
    this.#events.heartbeat({ type: 'heartbeat', node_id: this.#c.NODE_ID, interviewers: this.#host.size, uptime_s: Math.round((Date.now() - this.#startedAt) / 1000), at: new Date().toISOString() })
    // Re-announce remote bidders so a host that started after the announcement learns of them.
    for (const iv of this.#bidders.keys()) this.#o.bus.publish(this.#s.bidders, pack({ iv, on: true }))
  }
}

/** The engine trusts no caller: the one route validator (client/schemas.ts), as an EngineError. */
function validRoute(input: unknown): RouteRequest {
  const r = checkRouteRequest(input)
  if (r.ok) return routeFieldsOf(r.value)
  const e = new EngineError('invalid', r.error.message)
  Object.defineProperty(e, 'path', { value: r.error.path, enumerable: true })
  throw e
}
