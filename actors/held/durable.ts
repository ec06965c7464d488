// Held requests kept as a promise (issue 16 item 6): a request is persisted before its `queued`
// reply, removed once it leaves the hold, restored when a node starts (released rows, and its own)
// and taken over from a node whose lease went stale (kill -9, a dead router node). A restored
// request keeps its age and deadline. One without request_id cannot be asked about by anyone once
// its connection is gone, so it is dropped with a decision row saying so.
import { PENDING_CODE, type HeldEntry, type RouteRequest, type RouteResult } from '../../client/protocol.ts'
import { EngineError } from '../engine.ts'
import { HeldRequests, type Held } from '../engine/held.ts'
import type { User } from '../model/types.ts'
import type { AssignmentLog, DecisionRecord, HeldLog, HeldRow, Logger } from '../ports.ts'
import { isoNow } from '../runtime/clock.ts'
import { checkSameRequest, fingerprint } from '../engine/idempotency.ts'
import { ANY_FREED, type FreedNotice } from './notice.ts'

export interface DurableHeldOptions {
  store: HeldLog & Pick<AssignmentLog, 'findDecisionByRequestId'>
  nodeId: string
  /** A lease older than this is a dead node's: its held requests are taken over. */
  leaseMs: number
  log: Logger
  agingPerMin?: number
  /** Most requests held at once on this node (HELD_MAX_PER_NODE): beyond it `unavailable`. */
  maxHeld?: number
  /** Most requests held at once for one owner (principal), HELD_MAX_PER_PRINCIPAL: beyond it `rate_limited`. */
  maxPerOwner?: number
  /** One routing attempt: the outcome when assigned, else null (it stays held). */
  attempt: (h: Held) => Promise<RouteResult | null>
  /** sla_min passed: record and announce the outcome. */
  expire: (h: Held) => Promise<void>
  user: (id: number) => Promise<User | null>
  /** Records a decision the hold ended with (dropped, cancelled) and announces it. */
  record: (d: DecisionRecord) => Promise<void>
}

export const DROPPED_NO_CLIENT = 'dropped: held without request_id, and its client is gone (router restarted)'

export class DurableHeld {
  #o: DurableHeldOptions
  #held: HeldRequests
  #ids = new Set<string>()
  /** Held request id → its owner, and held requests per owner (the per-principal cap). */
  #ownerOf = new Map<string, string>()
  #perOwner = new Map<string, number>()
  #renew: NodeJS.Timeout | null = null
  #outcome = new Set<(owner: string, result: RouteResult) => void>()
  #stopped = false

  constructor(o: DurableHeldOptions) {
    this.#o = o
    this.#held = new HeldRequests({
      attempt: async (h) => {
        const r = await o.attempt(h)
        if (r === null) return null
        const owner = this.#ownerOf.get(h.id)
        if (owner !== undefined) for (const l of this.#outcome) l(owner, r)
        return r.interviewer_id ?? -1
      },
      agingPerMin: o.agingPerMin,
      expire: (h) =>
        void o.expire(h).then(
          () => this.#forget(h.id),
          (err: unknown) => o.log.warn({ err, held: h.id }, 'held request expiry not recorded'),
        ),
      left: (h, why) => {
        if (why !== 'expired') this.#forget(h.id)
      },
    })
  }

  get size(): number {
    return this.#held.size
  }
  get counters(): HeldRequests['counters'] {
    return this.#held.counters
  }
  get requests(): HeldRequests {
    return this.#held
  }

  /**
   * The router's hold: a request_id held anywhere already answers that hold's status; past the
   * node's cap `unavailable`; else persisted, held, and answered `queued`.
   */
  async hold(req: RouteRequest, user: User, decisionId: string, checkStore: boolean, owner?: string): Promise<RouteResult> {
    const elsewhere = checkStore ? await this.stored(req) : null
    if (elsewhere) return elsewhere
    const max = this.#o.maxHeld ?? Number.POSITIVE_INFINITY
    if (this.size >= max) throw new EngineError('unavailable', `this node already holds ${this.size} requests (HELD_MAX_PER_NODE); retry later or without wait`)
    const mine = owner === undefined ? 0 : (this.#perOwner.get(owner) ?? 0)
    const cap = this.#o.maxPerOwner ?? Number.POSITIVE_INFINITY
    if (mine >= cap)
      throw new EngineError('rate_limited', `you already have ${mine} requests held on this node (HELD_MAX_PER_PRINCIPAL); wait for one to be assigned, cancel one, or route without wait`)
    const h = await this.add(req, user, decisionId)
    if (owner !== undefined) {
      this.#ownerOf.set(h.id, owner)
      this.#perOwner.set(owner, mine + 1)
    }
    return this.status(h, false)
  }

  /** Persists, then holds: a `queued` reply is only sent for a request that survives a crash. */
  async add(req: RouteRequest, user: User, id: string): Promise<Held> {
    const at = Date.now()
    try {
      await this.#o.store.saveHeld({ id, request_id: req.request_id ?? null, node_id: this.#o.nodeId, request: req, queued_at: new Date(at).toISOString() })
    } catch (err) {
      throw new EngineError('unavailable', 'the request could not be held durably; retry', { cause: err })
    }
    this.#ids.add(id)
    return this.#held.add(req, user, id, at)
  }

  /** Listens for held requests assigned, with the owner they were held for. */
  onOutcome(listener: (owner: string, result: RouteResult) => void): () => void {
    this.#outcome.add(listener)
    return () => this.#outcome.delete(listener)
  }

  freed(n: FreedNotice): void {
    this.#held.freed(n)
  }

  find(requestId: string): Held | undefined {
    return this.#held.find(requestId)
  }

  /** This node's held requests, best first, as operators see them. */
  list(): HeldEntry[] {
    const now = Date.now()
    const r = this.#held
    return r.list().map((h) => ({
      decision_id: h.id,
      request_id: h.req.request_id ?? null,
      user_id: h.req.user_id,
      language: h.req.language,
      sensitivity: h.req.sensitivity,
      priority: h.priority,
      effective_priority: Math.round(r.effective(h, now) * 100) / 100,
      queued_at: new Date(h.at).toISOString(),
      waited_min: Math.round((now - h.at) / 600) / 100,
      sla_min: h.req.sla_min,
      queue_position: r.position(h),
      estimated_wait_min: r.estimate(h),
    }))
  }

  /** The `queued` reply of a request held here: its position among its competitors and its estimated wait. */
  status(h: Held, replayed: boolean): RouteResult {
    return queuedResult(h.req, h.id, replayed, this.#held.position(h), this.#held.estimate(h))
  }

  /** The `queued` status of a request_id held anywhere (another node, or before a restart); null when none. */
  async stored(req: RouteRequest): Promise<RouteResult | null> {
    if (!req.request_id) return null
    const row = await this.#o.store.findHeld(req.request_id).catch((err: unknown) => {
      throw new EngineError('unavailable', 'held-request lookup failed', { cause: err })
    })
    if (!row) return null
    checkSameRequest(req, fingerprint(row.request))
    return queuedResult(row.request, row.id, true)
  }

  /** The client cancels its held request: removed, and recorded as ended by the client. */
  async cancel(requestId: string, weightsVersion: number): Promise<boolean> {
    const h = this.#held.find(requestId)
    if (!h || !this.#held.cancel(h)) return false
    await this.#o.record(endedRecord(h.id, h.req, this.#o.nodeId, weightsVersion, 'cancelled by the client while held'))
    return true
  }

  /** Claims this node's, released and stale held requests, restores them, and renews its lease from then on. */
  async start(weightsVersion: () => number): Promise<void> {
    this.#stopped = false
    await this.#claim(weightsVersion)
    const every = Math.max(200, Math.floor(this.#o.leaseMs / 3))
    this.#renew = setInterval(() => void this.#claim(weightsVersion).catch((err: unknown) => this.#o.log.warn({ err }, 'held requests lease not renewed')), every)
    this.#renew.unref?.()
  }

  /** Graceful stop: the held requests stay persisted and are released for the next node. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#renew) clearInterval(this.#renew)
    this.#renew = null
    this.#held.clear()
    this.#ids.clear()
    this.#ownerOf.clear()
    this.#perOwner.clear()
    await this.#o.store.releaseHeld(this.#o.nodeId).catch((err: unknown) => this.#o.log.warn({ err }, 'held requests not released'))
  }

  async #claim(weightsVersion: () => number): Promise<void> {
    const rows = await this.#o.store.claimHeld(this.#o.nodeId, this.#o.leaseMs)
    let restored = 0
    for (const row of rows) {
      if (this.#stopped) return
      if (this.#ids.has(row.id)) continue
      if (await this.#restore(row, weightsVersion())) restored++
    }
    if (restored > 0) this.#held.freed(ANY_FREED)
  }

  async #restore(row: HeldRow, weightsVersion: number): Promise<boolean> {
    const o = this.#o
    try {
      if (row.request_id !== null) {
        // Decided before the row was removed (a crash in between): nothing to hold.
        if (await o.store.findDecisionByRequestId(row.request_id)) {
          await o.store.deleteHeld([row.id])
          return false
        }
      } else {
        await o.record(endedRecord(row.id, row.request, o.nodeId, weightsVersion, DROPPED_NO_CLIENT))
        await o.store.deleteHeld([row.id])
        return false
      }
      const user = await o.user(row.request.user_id)
      if (!user) {
        await o.record(endedRecord(row.id, row.request, o.nodeId, weightsVersion, `dropped: user ${row.request.user_id} no longer exists`))
        await o.store.deleteHeld([row.id])
        return false
      }
      this.#ids.add(row.id)
      this.#held.add(row.request, user, row.id, Date.parse(row.queued_at))
      return true
    } catch (err) {
      o.log.warn({ err, held: row.id }, 'held request not restored; retried at the next renewal')
      return false
    }
  }

  #forget(id: string): void {
    this.#ids.delete(id)
    const owner = this.#ownerOf.get(id)
    if (owner !== undefined) {
      this.#ownerOf.delete(id)
      const n = (this.#perOwner.get(owner) ?? 1) - 1
      if (n > 0) this.#perOwner.set(owner, n)
      else this.#perOwner.delete(owner)
    }
    void this.#o.store.deleteHeld([id]).catch((err: unknown) => this.#o.log.warn({ err, held: id }, 'held request row not removed; restore skips it once decided'))
  }
}

/** The reply to a held request: `queued`, with why and for how long. */
export function queuedResult(req: RouteRequest, id: string, replayed: boolean, position?: number, estimate?: number | null): RouteResult {
  const r: RouteResult = {
    status: 'queued',
    user_id: req.user_id,
    decision_id: id,
    pending_reason: { code: PENDING_CODE.all_eligible_full, message: 'every eligible interviewer is at capacity; held until a slot frees' },
    message: `held for up to ${req.sla_min} min`,
  }
  if (position !== undefined && position >= 0) r.queue_position = position
  if (estimate !== undefined && estimate !== null) r.estimated_wait_min = estimate
  if (req.request_id) r.request_id = req.request_id
  if (replayed) r.replayed = true
  return r
}

/** The decision row of a hold that ended without an assignment or an expiry (status `expired`, the reason in its message). */
export function endedRecord(id: string, req: RouteRequest, nodeId: string, weightsVersion: number, message: string): DecisionRecord {
  const result: RouteResult = { status: 'expired', user_id: req.user_id, decision_id: id, message }
  if (req.request_id) result.request_id = req.request_id
  return {
    type: 'decision',
    decision_id: id,
    request_id: req.request_id ?? null,
    user_id: req.user_id,
    status: 'expired',
    interviewer_id: null,
    score: null,
    weights_version: weightsVersion,
    bids: [],
    skipped_hosts: [],
    latency_us: 0,
    node_id: nodeId,
    at: isoNow(),
    request: req,
    result,
    assignment_id: null,
  }
}
