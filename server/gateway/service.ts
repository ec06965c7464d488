// The gateway's verbs, independent of transport: authorize, bound in-flight work, call the engine.
// HTTP and WebSocket handlers both call this, so the role rules and limits are enforced once.
import type { RoutingEngine, CancelResult, CompleteResult } from '../../actors/engine.ts'
import type {
  Availability,
  InterviewerState,
  RouteRequest,
  RouteResult,
  StateSnapshot,
  HeldEntry,
  HeldPolicy,
  WeightsPatch,
  CompleteRequest,
  InterviewEnd,
  DecisionExplanation,
  WeightsVersion,
} from '../../client/protocol.ts'
import { explainDecision } from '../../actors/explain/explain.ts'
import type { Weights } from '../../client/model.ts'
import type { Store } from '../store/types.ts'
import type { Logger } from '../log.ts'
import { authorize, mayUse, priorityRefusal, type Principal, type Verb } from '../auth/index.ts'
import { GatewayError } from './errors.ts'
import type { GatewayMetrics } from './metrics.ts'

/** The part of the Store the gateway reads directly (listings, health). */
export type GatewayStore = Pick<
  Store,
  'kind' | 'location' | 'ping' | 'threadBusySeconds' | 'listUsers' | 'getUser' | 'userHistory' | 'listDecisions' | 'getDecision' | 'getInterviewer' | 'weightsHistory' | 'weightsVersion'
>

const TERMINAL = new Set(['completed', 'cancelled', 'expired'])
const MAX_OWNERS = 500_000

/** The one answer for an assignment id that does not exist or is not the caller's. */
function unknownAssignment(assignmentId: string): GatewayError {
  return new GatewayError('not_found', `no assignment ${JSON.stringify(assignmentId.slice(0, 128))} for this caller`)
}

export class Service {
  readonly engine: RoutingEngine
  readonly store: GatewayStore
  readonly metrics: GatewayMetrics
  readonly #log: Logger
  readonly #maxInflight: number
  /** Which client principal created each open assignment, for "cancel its own". */
  readonly #owners = new Map<string, string>()
  /** request_id → principal key of the client answered `queued` for it (who may cancel it). */
  readonly #heldOwners = new Map<string, string>()
  /** Set by the push hub: a client's route created an assignment. */
  onOwned: ((assignmentId: string, key: string) => void) | null = null
  #idle: (() => void) | null = null
  #closing = false
  readonly #unlisten: () => void
  readonly #unlistenHeld: () => void

  constructor(opts: { engine: RoutingEngine; store: GatewayStore; metrics: GatewayMetrics; log: Logger; maxInflight: number }) {
    this.engine = opts.engine
    this.store = opts.store
    this.metrics = opts.metrics
    this.#log = opts.log
    this.#maxInflight = opts.maxInflight
    this.#unlisten = this.engine.onAssignment((e) => {
      // Deferred so push fan-out of this same event still sees the owner.
      if (TERMINAL.has(e.state)) queueMicrotask(() => this.#owners.delete(e.assignment_id))
    })
    // A client's held request assigned later: the assignment is the client's (cancel it, see it on its stream).
    this.#unlistenHeld = this.engine.onHeldOutcome((owner, r) => {
      if (r.request_id) this.#heldOwners.delete(r.request_id)
      if (!r.assignment_id) return
      this.#owners.set(r.assignment_id, owner)
      if (this.#owners.size > MAX_OWNERS) this.#owners.delete(this.#owners.keys().next().value!)
      this.onOwned?.(r.assignment_id, owner)
    })
  }

  /** Runs one unit of engine work under the global in-flight bound. */
  async #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closing) throw new GatewayError('unavailable', 'server is shutting down', { retry_after_ms: 1000 })
    if (this.metrics.inflight >= this.#maxInflight) {
      throw new GatewayError('unavailable', `server busy: ${this.#maxInflight} requests in flight`, { retry_after_ms: 50 })
    }
    this.metrics.inflight++
    try {
      return await work()
    } finally {
      if (--this.metrics.inflight === 0 && this.#idle) this.#idle()
    }
  }

  check(p: Principal, verb: Verb, interviewerId?: number | null): void {
    const denied = authorize(p, verb, interviewerId)
    if (denied) throw GatewayError.from(denied)
  }

  route(p: Principal, body: RouteRequest): Promise<RouteResult> {
    this.check(p, 'route')
    const capped = priorityRefusal(p, body.priority)
    if (capped) return Promise.reject(GatewayError.from(capped))
    // The engine validates (client/schemas.ts) and applies the request_id rule (actors/engine/idempotency.ts).
    return this.#run(() => this.engine.route(body, p.key)).then((result) => {
      this.metrics.outcome(result.status)
      // A replay never changes who owns the assignment.
      if (p.role === 'client' && result.assignment_id && !result.replayed) {
        this.#owners.set(result.assignment_id, p.key)
        this.onOwned?.(result.assignment_id, p.key)
        // Bounded even if terminal events are missed (e.g. a queue reset): forget the oldest first.
        if (this.#owners.size > MAX_OWNERS) this.#owners.delete(this.#owners.keys().next().value!)
      }
      if (p.role === 'client' && result.status === 'queued' && result.request_id && !result.replayed) {
        this.#heldOwners.set(result.request_id, p.key)
        if (this.#heldOwners.size > MAX_OWNERS) this.#heldOwners.delete(this.#heldOwners.keys().next().value!)
      }
      return result
    })
  }

  routeBatch(p: Principal, reqs: RouteRequest[]): Promise<RouteResult[]> {
    this.check(p, 'route')
    return Promise.all(reqs.map((r) => this.route(p, r)))
  }

  /**
   * Completes by assignment_id, or the interviewer's oldest open assignment by interviewer_id. The
   * one rule for HTTP and WebSocket: assignment_id wins, and when interviewer_id comes too, the
   * assignment must be that interviewer's (else `invalid`).
   */
  async complete(p: Principal, by: CompleteRequest): Promise<CompleteResult> {
    const { assignment_id: aid, interviewer_id: iv } = by
    const end: InterviewEnd = {}
    if (by.outcome !== undefined) end.outcome = by.outcome
    if (by.rating !== undefined) end.rating = by.rating
    if (by.duration_min !== undefined) end.duration_min = by.duration_min
    if (aid === undefined) {
      if (iv === undefined) throw new GatewayError('invalid', 'complete needs assignment_id or interviewer_id', { path: '/assignment_id' })
      this.check(p, 'complete', iv)
      return this.#run(() => this.engine.complete({ interviewer_id: iv }, end))
    }
    // Naming an interviewer the caller may not act for is refused before any lookup.
    if (iv !== undefined) this.check(p, 'complete', iv)
    const owner = await this.#assignmentFor(p, 'complete', aid)
    if (iv !== undefined && iv !== owner) throw new GatewayError('invalid', `assignment ${JSON.stringify(aid)} does not belong to interviewer ${iv}`, { path: '/interviewer_id' })
    return this.#run(() => this.engine.complete({ assignment_id: aid }, end))
  }

  heldPolicy(p: Principal): HeldPolicy {
    this.check(p, 'admin')
    return this.engine.heldPolicy()
  }

  setHeldPolicy(p: Principal, policy: HeldPolicy): Promise<HeldPolicy> {
    this.check(p, 'admin')
    return this.#run(() => this.engine.setHeldPolicy(policy, p.sub))
  }

  /** This node's held requests (operators). */
  held(p: Principal): { held: HeldEntry[] } {
    this.check(p, 'admin')
    return { held: this.engine.held() }
  }

  /** Cancels a held request; a client only its own (one it was answered `queued` for), anything else looks unknown. */
  async cancelHeld(p: Principal, requestId: string): Promise<{ status: 'cancelled'; request_id: string; decision_id: string }> {
    this.check(p, 'cancel')
    if (p.role === 'client' && this.#heldOwners.get(requestId) !== p.key) throw new GatewayError('not_found', `no request is held with request_id ${JSON.stringify(requestId)}`)
    const r = await this.#run(() => this.engine.cancelHeld(requestId))
    this.#heldOwners.delete(requestId)
    return r
  }

  async cancel(p: Principal, assignmentId: string): Promise<CancelResult> {
    this.check(p, 'cancel')
    // A client may cancel what its own routes created; anything else looks like no assignment at all.
    if (p.role === 'client' && this.#owners.get(assignmentId) !== p.key) throw unknownAssignment(assignmentId)
    return this.#run(() => this.engine.cancel(assignmentId))
  }

  async accept(p: Principal, assignmentId: string): Promise<{ status: 'accepted'; assignment_id: string }> {
    await this.#assignmentFor(p, 'accept', assignmentId)
    return this.#run(() => this.engine.accept(assignmentId))
  }

  async reject(p: Principal, assignmentId: string): Promise<RouteResult> {
    await this.#assignmentFor(p, 'reject', assignmentId)
    return this.#run(() => this.engine.reject(assignmentId))
  }

  /** The interviewer's availability now, for a caller allowed to set it; null when unknown. */
  async availabilityOf(p: Principal, interviewerId: number): Promise<Availability | null> {
    this.check(p, 'availability', interviewerId)
    const s = await this.#run(() => this.engine.stateOf(interviewerId))
    return s?.availability ?? null
  }

  availability(p: Principal, interviewerId: number, availability: Availability): Promise<InterviewerState> {
    this.check(p, 'availability', interviewerId)
    return this.#run(() => this.engine.setAvailability(interviewerId, availability))
  }

  async state(p: Principal): Promise<StateSnapshot> {
    this.check(p, 'state')
    const interviewers = await this.#run(() => this.engine.state())
    const totals = { interviewers: interviewers.length, online: 0, current_queue: 0, capacity: 0 }
    for (const s of interviewers) {
      if (s.availability === 'online') totals.online++
      totals.current_queue += s.current_queue
      totals.capacity += s.capacity
    }
    return { interviewers, totals }
  }

  async stateOf(p: Principal, interviewerId: number): Promise<InterviewerState> {
    this.check(p, 'state')
    const s = await this.#run(() => this.engine.stateOf(interviewerId))
    if (!s) throw new GatewayError('not_found', `interviewer ${interviewerId} not found`)
    return s
  }

  weights(p: Principal): Weights {
    this.check(p, 'admin')
    return this.engine.weights()
  }

  setWeights(p: Principal, patch: WeightsPatch): Promise<Weights> {
    this.check(p, 'admin')
    return this.#run(() => this.engine.setWeights(patch, p.sub))
  }

  async weightsHistory(p: Principal, limit: number): Promise<{ versions: WeightsVersion[] }> {
    this.check(p, 'admin')
    return { versions: await this.store.weightsHistory(limit) }
  }

  /** Rolling back is a new version with an old version's factors, so history only grows. */
  async rollbackWeights(p: Principal, version: number): Promise<Weights> {
    this.check(p, 'admin')
    const old = await this.store.weightsVersion(version)
    if (!old) throw new GatewayError('not_found', `weights version ${version} not found`)
    const { version: _v, ...factors } = old.weights
    return this.#run(() => this.engine.setWeights(factors, p.sub))
  }

  async explain(p: Principal, decisionId: string, interviewerId: number): Promise<DecisionExplanation> {
    this.check(p, 'read_decisions')
    const [decision, interviewer] = await Promise.all([this.store.getDecision(decisionId), this.store.getInterviewer(interviewerId)])
    if (!decision) throw new GatewayError('not_found', `decision ${JSON.stringify(decisionId.slice(0, 128))} not found`)
    if (!interviewer) throw new GatewayError('not_found', `interviewer ${interviewerId} not found`)
    const weights = await this.store.weightsVersion(decision.weights_version)
    return explainDecision(decision, interviewer, weights?.weights ?? null)
  }

  resetQueues(p: Principal): Promise<{ cleared: number }> {
    this.check(p, 'admin')
    return this.#run(() => this.engine.resetQueues(p.sub))
  }

  reload(p: Principal): Promise<{ users: number; interviewers: number }> {
    this.check(p, 'admin')
    return this.#run(() => this.engine.reload(p.sub))
  }

  /**
   * The interviewer an assignment belongs to, when the caller may act on it. A role that may not use
   * the verb at all is `forbidden` whatever the id; otherwise "does not exist" and "not yours" get
   * the same `not_found`, so the answer does not tell whether someone else's id exists.
   */
  async #assignmentFor(p: Principal, verb: Verb, assignmentId: string): Promise<number> {
    const denied = mayUse(p, verb)
    if (denied) throw GatewayError.from(denied)
    const owner = await this.#run(() => this.engine.assignmentOwner(assignmentId))
    if (owner === null || authorize(p, verb, owner)) throw unknownAssignment(assignmentId)
    return owner
  }

  /** Client ownership of an assignment, for filtering its assignment stream. */
  ownerKey(assignmentId: string): string | undefined {
    return this.#owners.get(assignmentId)
  }

  /** Refuses new work from now on and resolves once in-flight work has finished (or after timeoutMs). */
  drain(timeoutMs: number): Promise<void> {
    this.#closing = true
    if (this.metrics.inflight === 0) return Promise.resolve()
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#log.warn({ inflight: this.metrics.inflight }, 'drain timed out with requests still in flight')
        resolve()
      }, timeoutMs)
      this.#idle = () => {
        clearTimeout(t)
        resolve()
      }
    })
  }

  dispose(): void {
    this.#unlisten()
    this.#unlistenHeld()
  }
}
