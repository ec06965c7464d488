// A small in-memory RoutingEngine for gateway tests: the demo's semantics (filters, capacity,
// idempotent request_id, remote bids with a deadline) without actors, bus or database.
import { EngineError, type CancelResult, type CompleteResult, type EngineStats, type RemoteBidder, type RoutingEngine } from '../../../actors/engine.ts'
import type { Availability, Weights } from '../../../client/model.ts'
import { DEFAULT_WEIGHTS } from '../../../actors/model/types.ts'
import type { AssignmentEvent, DecisionEvent, HeldEntry, HeldPolicy, InterviewerState, RouteRequest, RouteResult } from '../../../client/protocol.ts'

interface Open {
  id: string
  user_id: number
  score: number
}

type Slot = InterviewerState & { clearance: boolean; queue: Open[] }

const LANGS = ['English', 'English', 'English', 'Spanish', 'French', 'German']
const TOPICS = ['FinTech', 'Chargebacks', 'pricing', 'retention', 'payments']

export class FakeEngine implements RoutingEngine {
  readonly #ivs: Slot[] = []
  readonly #byRequest = new Map<string, RouteResult>()
  readonly #owners = new Map<string, number>()
  readonly #bidders = new Map<number, RemoteBidder>()
  readonly #decisionListeners = new Set<(e: DecisionEvent) => void>()
  readonly #assignmentListeners = new Set<(e: AssignmentEvent) => void>()
  #weights: Weights = { ...DEFAULT_WEIGHTS }
  #seq = 0
  #decisions = 0
  bidDeadlineMs = 50

  constructor(
    interviewers = 100,
    readonly users = 1000,
  ) {
    for (let i = 1; i <= interviewers; i++) {
      this.#ivs.push({
        interviewer_id: i,
        name: `Interviewer ${i}`,
        type: i % 5 === 0 ? 'ai' : 'human',
        languages: [LANGS[i % LANGS.length]],
        specializations: [TOPICS[i % 5], TOPICS[(i + 2) % 5]],
        cost: 30 + (i % 7) * 10,
        rating: 4,
        availability: 'online',
        concurrency: 1,
        capacity: 3,
        current_queue: 0,
        active: 0,
        waiting: 0,
        node_id: 'fake',
        clearance: i % 2 === 0,
        queue: [],
      })
    }
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async route(req: RouteRequest): Promise<RouteResult> {
    if (req.request_id && this.#byRequest.has(req.request_id)) return { ...this.#byRequest.get(req.request_id)!, replayed: true }
    const result = await this.#decide(req)
    if (req.request_id) this.#byRequest.set(req.request_id, result)
    return result
  }

  async #decide(req: RouteRequest): Promise<RouteResult> {
    const base = { user_id: req.user_id, request_id: req.request_id }
    if (req.user_id < 1 || req.user_id > this.users) return this.#emit(req, { ...base, status: 'user_not_found', message: `user ${req.user_id} not found` })
    const eligible = this.#ivs.filter((s) => s.availability === 'online' && s.languages.includes(req.language) && s.cost <= req.budget && (!req.sensitivity || s.clearance))
    if (eligible.length === 0) return this.#emit(req, { ...base, status: 'no_candidates', message: 'no interviewer passes the hard filters' })
    const open = eligible.filter((s) => s.queue.length < s.capacity)
    if (open.length === 0) return this.#emit(req, { ...base, status: 'at_capacity', message: 'every eligible interviewer is full' })
    const bids = await Promise.all(
      open.map(async (s) => {
        const local = s.specializations.filter((t) => req.topics.includes(t)).length + 1 - s.queue.length / s.capacity
        const bidder = this.#bidders.get(s.interviewer_id)
        if (!bidder) return { s, score: local }
        const remote = await bidder({ bid_id: `b${++this.#seq}`, interviewer_id: s.interviewer_id, request: req, local_score: local, deadline_ms: this.bidDeadlineMs })
        return { s, score: remote ?? local }
      }),
    )
    bids.sort((a, b) => b.score - a.score)
    for (const { s, score } of bids) {
      // Re-check after the await: capacity is the invariant, whatever a bidder said.
      if (s.queue.length >= s.capacity || s.availability !== 'online') continue
      const id = `a${++this.#seq}`
      s.queue.push({ id, user_id: req.user_id, score })
      this.#owners.set(id, s.interviewer_id)
      this.#sync(s)
      this.#event(s, id, req.user_id, 'offered', null, score)
      return this.#emit(req, {
        ...base,
        status: 'assigned',
        interviewer_id: s.interviewer_id,
        score,
        current_queue: s.current_queue,
        assignment_id: id,
        queue_position: s.queue.length,
        estimated_start_min: 0,
        decision_id: `d${this.#decisions + 1}`,
      })
    }
    return this.#emit(req, { ...base, status: 'at_capacity', message: 'every eligible interviewer is full' })
  }

  #sync(s: Slot): void {
    s.current_queue = s.queue.length
    s.active = Math.min(s.concurrency, s.queue.length)
    s.waiting = s.queue.length - s.active
  }

  #emit(req: RouteRequest, r: RouteResult): RouteResult {
    this.#decisions++
    const e: DecisionEvent = {
      type: 'decision',
      decision_id: `d${this.#decisions}`,
      request_id: req.request_id ?? null,
      user_id: req.user_id,
      status: r.status,
      interviewer_id: r.interviewer_id ?? null,
      score: r.score ?? null,
      weights_version: this.#weights.version,
      bids: [],
      skipped_hosts: [],
      latency_us: 1,
      node_id: 'fake',
      at: new Date().toISOString(),
    }
    for (const l of this.#decisionListeners) l(e)
    return r
  }

  #event(s: InterviewerState, id: string, userId: number, state: AssignmentEvent['state'], previous: AssignmentEvent['previous'], score?: number): void {
    const e: AssignmentEvent = {
      type: 'assignment',
      assignment_id: id,
      interviewer_id: s.interviewer_id,
      user_id: userId,
      state,
      previous,
      current_queue: s.current_queue,
      at: new Date().toISOString(),
      score,
    }
    for (const l of this.#assignmentListeners) l(e)
  }

  #take(assignmentId: string): { s: Slot; open: Open } {
    const owner = this.#owners.get(assignmentId)
    const s = owner === undefined ? undefined : this.#ivs[owner - 1]
    const open = s?.queue.find((o) => o.id === assignmentId)
    if (!s || !open) throw new EngineError('not_found', `assignment ${assignmentId} is not open`)
    s.queue.splice(s.queue.indexOf(open), 1)
    this.#owners.delete(assignmentId)
    this.#sync(s)
    return { s, open }
  }

  async complete(by: { interviewer_id: number } | { assignment_id: string }): Promise<CompleteResult> {
    let id: string
    if ('assignment_id' in by) id = by.assignment_id
    else {
      const s = this.#ivs[by.interviewer_id - 1]
      if (!s) throw new EngineError('not_found', `interviewer ${by.interviewer_id} not found`)
      if (s.queue.length === 0) throw new EngineError('conflict', `interviewer ${by.interviewer_id} has no open assignment`)
      id = s.queue[0].id
    }
    const { s, open } = this.#take(id)
    this.#event(s, id, open.user_id, 'completed', 'active')
    return { status: 'completed', outcome: 'completed', assignment_id: id, interviewer_id: s.interviewer_id, current_queue: s.current_queue }
  }

  async cancel(assignmentId: string): Promise<CancelResult> {
    const { s, open } = this.#take(assignmentId)
    this.#event(s, assignmentId, open.user_id, 'cancelled', 'offered')
    return { status: 'cancelled', assignment_id: assignmentId, interviewer_id: s.interviewer_id, current_queue: s.current_queue }
  }

  async accept(assignmentId: string): Promise<{ status: 'accepted'; assignment_id: string }> {
    if (!this.#owners.has(assignmentId)) throw new EngineError('not_found', `assignment ${assignmentId} is not open`)
    return { status: 'accepted', assignment_id: assignmentId }
  }

  #heldPolicy: HeldPolicy = { aging_per_min: 10 }

  heldPolicy(): HeldPolicy {
    return { ...this.#heldPolicy }
  }

  async setHeldPolicy(policy: HeldPolicy): Promise<HeldPolicy> {
    this.#heldPolicy = { ...policy }
    return this.heldPolicy()
  }

  /** The fake never holds a request, so no held outcome is ever reported. */
  onHeldOutcome(_listener: (owner: string, result: RouteResult) => void): () => void {
    return () => {}
  }

  /** The fake never holds a request (no wait support): nothing is held, nothing to cancel. */
  held(): HeldEntry[] {
    return []
  }

  async cancelHeld(requestId: string): Promise<{ status: 'cancelled'; request_id: string; decision_id: string }> {
    throw new EngineError('not_found', `no request is held with request_id ${JSON.stringify(requestId)}`)
  }

  async reject(assignmentId: string): Promise<RouteResult> {
    const { s, open } = this.#take(assignmentId)
    this.#event(s, assignmentId, open.user_id, 'cancelled', 'offered')
    return { status: 'no_candidates', user_id: open.user_id }
  }

  async setAvailability(interviewerId: number, availability: Availability): Promise<InterviewerState> {
    const s = this.#ivs[interviewerId - 1]
    if (!s) throw new EngineError('not_found', `interviewer ${interviewerId} not found`)
    s.availability = availability
    return this.#public(s)
  }

  #public(s: Slot): InterviewerState {
    const { clearance: _c, queue: _q, ...pub } = s
    return { ...pub }
  }

  async state(): Promise<InterviewerState[]> {
    return this.#ivs.map((s) => this.#public(s))
  }

  async stateOf(interviewerId: number): Promise<InterviewerState | null> {
    const s = this.#ivs[interviewerId - 1]
    return s ? this.#public(s) : null
  }

  async assignmentOwner(assignmentId: string): Promise<number | null> {
    return this.#owners.get(assignmentId) ?? null
  }

  weights(): Weights {
    return this.#weights
  }

  async setWeights(patch: Partial<Omit<Weights, 'version'>>): Promise<Weights> {
    this.#weights = { ...this.#weights, ...patch, version: this.#weights.version + 1 }
    return this.#weights
  }

  async resetQueues(): Promise<{ cleared: number }> {
    let cleared = 0
    for (const s of this.#ivs) {
      cleared += s.queue.length
      for (const o of s.queue) this.#owners.delete(o.id)
      s.queue = []
      this.#sync(s)
    }
    return { cleared }
  }

  async reload(): Promise<{ users: number; interviewers: number }> {
    return { users: this.users, interviewers: this.#ivs.length }
  }

  async stats(): Promise<EngineStats> {
    return {
      node_id: 'fake',
      interviewers: this.#ivs.length,
      decisions: this.#decisions,
      outcomes: {},
      open_assignments: this.#owners.size,
      weights_version: this.#weights.version,
      held: { size: 0, attempts: 0, scanned: 0 },
    }
  }

  setRemoteBidder(interviewerId: number, bidder: RemoteBidder): () => void {
    this.#bidders.set(interviewerId, bidder)
    return () => {
      if (this.#bidders.get(interviewerId) === bidder) this.#bidders.delete(interviewerId)
    }
  }

  onDecision(listener: (e: DecisionEvent) => void): () => void {
    this.#decisionListeners.add(listener)
    return () => this.#decisionListeners.delete(listener)
  }

  onAssignment(listener: (e: AssignmentEvent) => void): () => void {
    this.#assignmentListeners.add(listener)
    return () => this.#assignmentListeners.delete(listener)
  }
}
