// The interviewer actor: the single writer of one InterviewerQueue. Every change goes through its
// mailbox; a commit reserves the slot synchronously, then persists through the group committer and
// answers only once durable (a failed batch releases the slot: no state change survives it).
import type { Logger, DecisionRecord, InterviewEndRow } from '../ports.ts'
import type { AssignmentState, Availability } from '../../client/model.ts'
import type { Assignment } from '../model/types.ts'
import type { InterviewEnd, RouteRequest, RouteResult } from '../../client/protocol.ts'
import { Actor } from '../runtime/actor.ts'
import type { CommitOutcome, GroupCommitter } from '../commit/committer.ts'
import { recordOf, type DecisionDraft } from '../model/decision.ts'
import type { CommitReply, TransitionResult } from '../shard/wire.ts'
import type { InterviewerQueue } from './queue.ts'
import { isoNow } from '../runtime/clock.ts'

export type TransitionReply = { ok: true; res: TransitionResult } | { ok: false; code: 'not_found' | 'conflict' | 'unavailable'; reason: string }

export type IvMsg =
  | { type: 'commit'; a: Assignment; sla: number; draft: DecisionDraft; reply: (r: CommitReply) => void }
  | { type: 'persisted'; a: Assignment; outcome: CommitOutcome; result: RouteResult; reply: (r: CommitReply) => void }
  | { type: 'persist_failed'; a: Assignment; reply: (r: CommitReply) => void }
  /** `end` on a completion: how the interview ended (its history row is committed with the transition). */
  | { type: 'transition'; id: string | null; to: AssignmentState; end?: InterviewEnd; reply: (r: TransitionReply) => void }
  | { type: 'transitioned'; id: string; to: AssignmentState; from: AssignmentState; at: string; ended?: InterviewEndRow; reply: (r: TransitionReply) => void }
  | { type: 'transition_failed'; id: string; reply: (r: TransitionReply) => void }
  | { type: 'availability'; av: Availability; reply: () => void }

export interface ActorEnv {
  committer: GroupCommitter
  mailboxLimit: number
  offerTimeoutMs: number
  log: Logger
  /** State changed: the host re-indexes this actor. */
  changed(actor: InterviewerActor): void
  assignmentEvent(a: Assignment, previous: AssignmentState | null, currentQueue: number): void
  /** A slot freed or the interviewer came online: held requests may now fit. */
  freed(iv: number): void
  track(assignmentId: string, actor: InterviewerActor | null): void
  /** This interviewer's open assignments as persisted (restart after a failure). */
  reloadOpen(iv: number): Promise<Assignment[]>
  /** An offer expired (committed): the host may route its request again. `req` is unknown for offers restored after a crash. */
  offerExpired?(a: Assignment, req: RouteRequest | undefined): void
}

export class InterviewerActor {
  readonly queue: InterviewerQueue
  readonly cell: Actor<IvMsg, InterviewerActor>
  /** Slot in the host's candidate index, -1 when not indexed; owned by the index. */
  slot = -1
  #env: ActorEnv
  /** Open offers; made at the first one (most interviewers never have any: no Map per actor). */
  #offersMap: Map<string, { req: RouteRequest | undefined; timer: NodeJS.Timeout | null }> | null = null

  constructor(queue: InterviewerQueue, env: ActorEnv) {
    this.queue = queue
    this.#env = env
    this.cell = new Actor<IvMsg, InterviewerActor>({
      name: `interviewer:${queue.id}`,
      limit: env.mailboxLimit,
      log: env.log,
      owner: this,
      handleWith: InterviewerActor.#handleOf,
      restartWith: InterviewerActor.#restartOf,
    })
    // Offers restored from the store (in flight at a crash) are re-armed against their durable
    // deadline, created_at + timeout: one already past it expires at once, never silently kept.
    if (env.offerTimeoutMs > 0) {
      for (const e of queue.entries) {
        if (e.a.state !== 'offered') continue
        const offer = { req: undefined, timer: null }
        this.#offers().set(e.a.id, offer)
        this.#arm(e.a.id, offer, Date.parse(e.a.created_at) + env.offerTimeoutMs - Date.now())
      }
    }
  }

  // Shared by every interviewer actor (no closures per actor).
  static #handleOf(a: InterviewerActor, m: IvMsg): void {
    a.#handle(m)
  }

  static #restartOf(a: InterviewerActor): Promise<void> {
    return a.#restart()
  }

  #arm(id: string, offer: { timer: NodeJS.Timeout | null }, inMs: number): void {
    offer.timer = setTimeout(
      () => {
        offer.timer = null
        this.#force({ type: 'transition', id, to: 'expired', reply: () => {} })
      },
      Math.max(0, Number.isFinite(inMs) ? inMs : 0),
    )
    offer.timer.unref?.()
  }

  #offers(): Map<string, { req: RouteRequest | undefined; timer: NodeJS.Timeout | null }> {
    return (this.#offersMap ??= new Map())
  }

  get id(): number {
    return this.queue.id
  }

  /** Queues a message; false when the mailbox is full. */
  tell(m: IvMsg): boolean {
    return this.cell.tell(m)
  }

  #handle(m: IvMsg): void {
    switch (m.type) {
      case 'commit':
        return this.#commit(m)
      case 'persisted':
        return this.#persisted(m)
      case 'persist_failed':
        return this.#persistFailed(m)
      case 'transition':
        return this.#transition(m)
      case 'transitioned':
        return this.#transitioned(m)
      case 'transition_failed':
        this.queue.abort(m.id)
        m.reply({ ok: false, code: 'unavailable', reason: 'database error' })
        return
      case 'availability': {
        const was = this.queue.availability
        this.queue.setAvailability(m.av)
        this.#env.changed(this)
        if (m.av === 'online' && was !== 'online') this.#env.freed(this.id)
        m.reply()
        return
      }
    }
  }

  #commit(m: Extract<IvMsg, { type: 'commit' }>): void {
    const q = this.queue
    const r = q.reserve(m.a, m.sla, Date.now())
    if (!r.ok) {
      m.reply({ ok: false, code: 'refused', reason: r.reason })
      return
    }
    this.#env.track(m.a.id, this)
    this.#env.changed(this)
    const result: RouteResult = {
      status: 'assigned',
      user_id: m.a.user_id,
      interviewer_id: this.id,
      score: m.a.score,
      current_queue: r.current_queue,
      assignment_id: m.a.id,
      queue_position: r.position,
      estimated_start_min: r.estimated_start_min,
      decision_id: m.a.decision_id,
    }
    if (m.a.request_id) result.request_id = m.a.request_id
    const record: DecisionRecord = recordOf(m.draft, 'assigned', this.id, m.a.score, result, m.a.id)
    // The commit's own messages bypass the mailbox limit: dropping them would leak the reservation.
    this.#env.committer.add({ assignments: [m.a], decisions: [record] }).then(
      (outcome) => this.#force({ type: 'persisted', a: m.a, outcome, result, reply: m.reply }),
      () => this.#force({ type: 'persist_failed', a: m.a, reply: m.reply }),
    )
    if (m.a.state === 'offered') this.#offers().set(m.a.id, { req: m.draft.request, timer: null })
  }

  #persisted(m: Extract<IvMsg, { type: 'persisted' }>): void {
    const q = this.queue
    if (m.outcome === 'conflict') {
      this.#release(m.a)
      m.reply({ ok: false, code: 'conflict' })
      return
    }
    const promoted = q.confirmOrAppend(m.a)
    m.result.current_queue = q.occupancy
    this.#env.assignmentEvent(m.a, null, q.occupancy)
    this.#persistPromotions(promoted)
    const offer = this.#offersMap?.get(m.a.id)
    if (offer && this.#env.offerTimeoutMs > 0) this.#arm(m.a.id, offer, this.#env.offerTimeoutMs)
    m.reply({ ok: true, result: m.result })
  }

  #persistFailed(m: Extract<IvMsg, { type: 'persist_failed' }>): void {
    this.#release(m.a)
    m.reply({ ok: false, code: 'unavailable', reason: 'database error' })
  }

  #release(a: Assignment): void {
    const promoted = this.queue.release(a.id)
    this.#env.track(a.id, null)
    this.#offersMap?.delete(a.id)
    this.#env.changed(this)
    this.#env.freed(this.id)
    if (promoted) this.#persistPromotions(promoted)
  }

  #transition(m: Extract<IvMsg, { type: 'transition' }>): void {
    const q = this.queue
    let id = m.id
    if (id === null) {
      const e = q.oldestActive()
      if (!e) {
        m.reply({ ok: false, code: 'not_found', reason: 'no active assignment' })
        return
      }
      id = e.a.id
    }
    const e = q.begin(id, m.to)
    if (!('a' in e)) {
      m.reply({ ok: false, code: e.reason === 'not_found' ? 'not_found' : 'conflict', reason: e.reason })
      return
    }
    const from = e.a.state
    const at = isoNow()
    const aid = id
    const ended = m.to === 'completed' && m.end ? historyRow(e.a, m.end, at) : undefined
    this.#env.committer.add({ transitions: [{ id: aid, state: m.to, at }], interviews: ended && [ended] }).then(
      () => this.#force({ type: 'transitioned', id: aid, to: m.to, from, at, ended, reply: m.reply }),
      () => this.#force({ type: 'transition_failed', id: aid, reply: m.reply }),
    )
  }

  #transitioned(m: Extract<IvMsg, { type: 'transitioned' }>): void {
    const q = this.queue
    const pos = q.position(m.id)
    if (pos < 0) {
      m.reply({ ok: false, code: 'not_found', reason: 'not_found' })
      return
    }
    const a = q.entries[pos].a
    const promoted = q.finish(m.id, m.to, m.at)
    if (m.ended) q.recordOutcome(m.ended.outcome, m.ended.rating)
    const offer = this.#offersMap?.get(m.id)
    if (offer) {
      if (offer.timer) clearTimeout(offer.timer)
      this.#offersMap?.delete(m.id)
    }
    const open = m.to === 'accepted' || m.to === 'active'
    if (!open) this.#env.track(m.id, null)
    this.#env.changed(this)
    this.#env.assignmentEvent(a, m.from, q.occupancy)
    this.#persistPromotions(promoted)
    if (!open) this.#env.freed(this.id)
    if (m.to === 'expired') this.#env.offerExpired?.({ ...a }, offer?.req)
    m.reply({ ok: true, res: { assignment: { ...a }, interviewer_id: this.id, current_queue: q.occupancy, request: offer?.req } })
  }

  /** Promotions to active are persisted best-effort: the slot is held either way. */
  #persistPromotions(promoted: Assignment[]): void {
    if (promoted.length === 0) return
    const at = isoNow()
    for (const a of promoted) {
      // updated_at of an active assignment is when it started: a completion's duration counts from it.
      a.updated_at = at
      this.#env.assignmentEvent(a, 'accepted', this.queue.occupancy)
    }
    this.#env.committer
      .add({ transitions: promoted.map((a) => ({ id: a.id, state: 'active' as const, at })) })
      .catch((err: unknown) => this.#env.log.warn({ err, interviewer_id: this.id }, 'promotion not persisted'))
  }

  #force(m: IvMsg): void {
    // Internal continuations must never be refused for a full mailbox (see #commit).
    this.cell.tell(m, true)
  }

  async #restart(): Promise<void> {
    const open = await this.#env.reloadOpen(this.id)
    for (const e of this.queue.entries) this.#env.track(e.a.id, null)
    this.queue.restore(open)
    for (const e of this.queue.entries) this.#env.track(e.a.id, this)
    this.#env.changed(this)
  }
}

/**
 * The history row of an active assignment ending now. It became active at its last update (made
 * active at once, or promoted); a duration not reported is the time since, and 0 for a no-show.
 */
export function historyRow(a: Assignment, end: InterviewEnd, at: string): InterviewEndRow {
  const outcome = end.outcome ?? 'completed'
  const started = Date.parse(a.updated_at)
  const elapsed = Number.isFinite(started) ? Math.max(0, Math.round((Date.parse(at) - started) / 60_000)) : 0
  return {
    assignment_id: a.id,
    user_id: a.user_id,
    interviewer_id: a.interviewer_id,
    outcome,
    duration_min: end.duration_min ?? (outcome === 'no_show' ? 0 : elapsed),
    rating: end.rating ?? null,
    started_at: Number.isFinite(started) ? a.updated_at : at,
  }
}
