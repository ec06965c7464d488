// An interviewer's queue as a pure state machine: ordered open assignments (the first
// `concurrency` are active, the rest wait), availability, offers. The owning actor is its only
// writer. An entry is `pending` until its insert is durable and `busy` while a transition of it is
// being persisted; neither may be completed or cancelled meanwhile, so what clients are told
// always matches what is committed.
import type { AssignmentState, Availability, Interviewer } from '../../client/model.ts'
import type { Assignment, InterviewerStats, InterviewOutcome } from '../model/types.ts'
import { maskOf, qualityOf, seniorityIndex, type Candidate } from '../scoring/scoring.ts'

/** Why a hard filter or a state check says no; stable codes. */
export type Refusal = 'language' | 'budget' | 'clearance' | 'offline' | 'paused' | 'full' | 'sla' | 'not_found' | 'busy' | 'not_offered' | 'not_active'

export interface Entry {
  a: Assignment
  pending: boolean
  busy: boolean
  /** lastAssignedAt before this reservation, restored if it is released. */
  prevLast?: number
}

export interface HardFilterInput {
  /** Lower-cased. */
  language: string
  budget: number
  sensitivity: boolean
  sla_min: number
}

export type Reserved = { ok: true; position: number; estimated_start_min: number; current_queue: number }
export type Refused = { ok: false; reason: Refusal }

/**
 * The static hard filters of DESIGN §3 (language, budget, clearance): what an interviewer's profile
 * alone decides. One function for the actor's own check and for the held-request index, which
 * tests a freed interviewer against held requests on the router's node.
 */
export function staticRefusal(langs: ReadonlySet<string>, cost: number, clearance: boolean, req: HardFilterInput): Refusal | null {
  if (!langs.has(req.language)) return 'language'
  if (cost > req.budget) return 'budget'
  if (req.sensitivity && !clearance) return 'clearance'
  return null
}

/** The sla_min filter: an assignment expected to start after sla_min is refused. */
export function startsTooLate(startMin: number, slaMin: number): boolean {
  return startMin > slaMin
}

/** No promotions (shared, never written). */
const NONE: Assignment[] = []

export class InterviewerQueue implements Candidate {
  readonly id: number
  profile: Interviewer
  specs: Set<string>
  specMask: number
  langs: Set<string>
  seniority: number
  quality: number
  availability: Availability
  lastAssignedAt = 0
  // Hot fields copied flat from the profile: scoring reads them for every candidate scanned.
  cost: number
  capacity: number
  concurrency: number
  avgDuration: number
  /** Open assignments (active + waiting); kept equal to the entries' length. */
  occupancy = 0
  #entries: Entry[] = []
  /**
   * False when no entry in the active window can be promoted: every change that may make one
   * promotable there either runs #promote (which clears it) or sets it. Lets a confirm outside the
   * window skip the scan of the window (long queues confirm at the tail).
   */
  #maybePromotable = true

  /** History aggregates behind `quality`; completions add to them live. */
  #stats: InterviewerStats

  constructor(iv: Interviewer, stats?: InterviewerStats) {
    this.id = iv.id
    this.#stats = stats ? { ...stats } : { interviewer_id: iv.id, interviews: 0, completed: 0, avg_rating: null }
    this.profile = iv
    this.specs = new Set(iv.specializations.map((s) => s.toLowerCase()))
    this.langs = new Set(iv.languages.map((s) => s.toLowerCase()))
    this.seniority = seniorityIndex(iv.seniority)
    this.quality = qualityOf(stats, iv.rating)
    this.availability = iv.availability
    this.specMask = maskOf(this.specs, true)
    this.cost = iv.cost
    this.capacity = iv.capacity
    this.concurrency = Math.max(1, iv.concurrency)
    this.avgDuration = iv.avg_duration_min
  }

  get active(): number {
    return Math.min(this.concurrency, this.#entries.length)
  }
  get waiting(): number {
    return this.#entries.length - this.active
  }
  get entries(): readonly Entry[] {
    return this.#entries
  }
  get hasRoom(): boolean {
    return this.occupancy < this.capacity
  }

  /** Estimated start, in minutes, of an assignment at 0-based `position`. */
  estimatedStart(position: number): number {
    const c = this.concurrency
    if (position < c) return 0
    return Math.ceil((position - c + 1) / c) * this.avgDuration
  }

  /** The hard filters of DESIGN §3 against the current state; null when the interviewer may bid. */
  check(req: HardFilterInput): Refusal | null {
    return staticRefusal(this.langs, this.cost, this.profile.clearance, req) ?? this.checkState(req.sla_min)
  }

  /** The state-dependent filters only: availability, room, expected start. */
  checkState(slaMin: number): Refusal | null {
    if (this.availability !== 'online') return this.availability
    if (!this.hasRoom) return 'full'
    if (startsTooLate(this.estimatedStart(this.#entries.length), slaMin)) return 'sla'
    return null
  }

  /** Holds a slot for `a` (synchronously, so concurrent commits never over-book); pending until confirmed. */
  reserve(a: Assignment, slaMin: number, now: number): Reserved | Refused {
    const why = this.checkState(slaMin)
    if (why) return { ok: false, reason: why }
    const position = this.#entries.length
    if (a.state !== 'offered') a.state = position < this.concurrency ? 'active' : 'accepted'
    this.#entries.push({ a, pending: true, busy: false, prevLast: this.lastAssignedAt })
    this.occupancy = this.#entries.length
    this.lastAssignedAt = now
    return { ok: true, position, estimated_start_min: this.estimatedStart(position), current_queue: this.#entries.length }
  }

  /** The reserved insert is durable; returns assignments promoted to active since. */
  confirm(id: string): Assignment[] | null {
    return this.#confirmAt(this.#index(id))
  }

  /**
   * confirm() of the reserved `a` itself, found by identity (no id compares); appended when the
   * queue no longer holds it (rebuilt by a restart while it was being persisted).
   */
  confirmOrAppend(a: Assignment): Assignment[] {
    const list = this.#entries
    let i = list.length - 1
    while (i >= 0 && list[i].a !== a) i--
    if (i < 0) i = this.#index(a.id)
    if (i < 0) return this.append(a)
    return this.#confirmAt(i) ?? []
  }

  #confirmAt(i: number): Assignment[] | null {
    if (i < 0 || !this.#entries[i].pending) return null
    this.#entries[i].pending = false
    // Outside the window nothing promotable changed: the window is as the last #promote left it.
    if (i >= this.concurrency && !this.#maybePromotable) return NONE
    return this.#promote()
  }

  /** The reserved insert failed: frees the slot as if it never was; returns promotions, or null. */
  release(id: string): Assignment[] | null {
    const i = this.#index(id)
    if (i < 0 || !this.#entries[i].pending) return null
    const e = this.#entries[i]
    // The newest reservation failing leaves fairness as it was (a failed commit changes nothing).
    if (i === this.#entries.length - 1 && e.prevLast !== undefined) this.lastAssignedAt = e.prevLast
    this.#entries.splice(i, 1)
    this.occupancy = this.#entries.length
    return this.#promote()
  }

  /** Appends a durable assignment the queue does not hold (committed while the actor restarted). */
  append(a: Assignment): Assignment[] {
    if (this.has(a.id)) return []
    this.#entries.push({ a, pending: false, busy: false })
    this.occupancy = this.#entries.length
    return this.#promote()
  }

  /** The oldest active, durable, idle assignment: what "complete by interviewer" completes. */
  oldestActive(): Entry | null {
    const n = Math.min(this.concurrency, this.#entries.length)
    for (let i = 0; i < n; i++) {
      const e = this.#entries[i]
      if (!e.pending && !e.busy && e.a.state === 'active') return e
    }
    return null
  }

  /**
   * Starts a transition of an open assignment to `to`; the entry is busy until finish() or
   * abort(). Checks it is allowed from the current state.
   */
  begin(id: string, to: AssignmentState): Entry | Refused {
    const e = this.#find(id)
    if (!e) return { ok: false, reason: 'not_found' }
    if (e.pending || e.busy) return { ok: false, reason: 'busy' }
    const from = e.a.state
    const allowed =
      (to === 'completed' && from === 'active') ||
      (to === 'cancelled' && (from === 'offered' || from === 'accepted' || from === 'active')) ||
      ((to === 'accepted' || to === 'expired') && from === 'offered')
    if (!allowed) return { ok: false, reason: to === 'completed' ? 'not_active' : 'not_offered' }
    e.busy = true
    return e
  }

  /** The transition is durable: applies it; returns assignments promoted to active by it. */
  finish(id: string, to: AssignmentState, at: string): Assignment[] {
    const i = this.#index(id)
    if (i < 0) return []
    const e = this.#entries[i]
    e.busy = false
    e.a.updated_at = at
    if (to === 'accepted') {
      e.a.state = i < this.concurrency ? 'active' : 'accepted'
      return this.#promote()
    }
    e.a.state = to
    this.#entries.splice(i, 1)
    this.occupancy = this.#entries.length
    return this.#promote()
  }

  abort(id: string): void {
    const e = this.#find(id)
    if (e) {
      e.busy = false
      this.#maybePromotable = true
    }
  }

  /**
   * An interview of this interviewer ended (its history row is durable): the quality factor sees
   * it at once, not at the next reload. The mean rating is over completed interviews, as qualityOf
   * weighs it.
   */
  recordOutcome(outcome: InterviewOutcome, rating: number | null): void {
    const s = this.#stats
    s.interviews++
    if (outcome === 'completed') {
      s.completed++
      if (rating !== null && Number.isFinite(rating)) s.avg_rating = s.avg_rating === null ? rating : s.avg_rating + (rating - s.avg_rating) / s.completed
    }
    this.quality = qualityOf(s, this.profile.rating)
  }

  get stats(): Readonly<InterviewerStats> {
    return this.#stats
  }

  setAvailability(a: Availability): void {
    this.availability = a
  }

  /** Replaces the queue with durable open assignments (oldest first), e.g. at start or restart. */
  restore(open: Assignment[]): void {
    this.#entries = open.map((a) => ({ a: { ...a }, pending: false, busy: false }))
    this.occupancy = this.#entries.length
    this.#maybePromotable = true
    for (const e of this.#entries) {
      const t = Date.parse(e.a.created_at)
      if (Number.isFinite(t) && t > this.lastAssignedAt) this.lastAssignedAt = t
    }
  }

  /** Drops every entry (after the store cancelled them); returns how many were dropped. */
  clear(): number {
    const n = this.#entries.length
    this.#entries = []
    this.occupancy = 0
    return n
  }

  has(id: string): boolean {
    return this.#index(id) >= 0
  }

  position(id: string): number {
    return this.#index(id)
  }

  #find(id: string): Entry | undefined {
    const i = this.#index(id)
    return i < 0 ? undefined : this.#entries[i]
  }

  #index(id: string): number {
    // Backwards: the hot lookups (confirm / release of a fresh reservation) are at the tail.
    const list = this.#entries
    for (let i = list.length - 1; i >= 0; i--) if (list[i].a.id === id) return i
    return -1
  }

  /** Durable accepted entries that now sit in an active slot become active (to be persisted). */
  #promote(): Assignment[] {
    let out: Assignment[] = NONE
    const n = Math.min(this.concurrency, this.#entries.length)
    for (let i = 0; i < n; i++) {
      const e = this.#entries[i]
      if (!e.pending && !e.busy && e.a.state === 'accepted') {
        e.a.state = 'active'
        if (out === NONE) out = []
        out.push(e.a)
      }
    }
    this.#maybePromotable = false
    return out
  }
}
