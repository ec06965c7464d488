// Interviewer presence: which interviewers have a live console session, and which lost every session
// longer than the grace period ago. Pure bookkeeping over an injected monotonic clock; the caller
// owns the timer (nextDeadline) and acts on what expire() returns.

/** Milliseconds from a monotonic source (performance.now in production, a counter in tests). */
export type MonotonicClock = () => number

export class PresenceError extends Error {
  readonly code = 'invalid'
  constructor(message: string) {
    super(message)
    this.name = 'PresenceError'
  }
}

interface Entry {
  /** Open sessions speaking for the interviewer. */
  readonly sessions: Set<string>
  /** When the last session went away; null while one is open. */
  goneAt: number | null
}

export class PresenceTracker {
  readonly #graceMs: number
  readonly #now: MonotonicClock
  /** Only interviewers that ever had a console here: seeded and HTTP-only ones are never tracked. */
  readonly #entries = new Map<number, Entry>()
  /** Interviewers whose last session is gone, in the order they went (so the oldest deadline is first). */
  readonly #gone = new Set<number>()

  constructor(graceMs: number, now: MonotonicClock) {
    if (!Number.isFinite(graceMs) || graceMs < 0) throw new PresenceError(`grace must be a non-negative number of milliseconds, got ${graceMs}`)
    this.#graceMs = graceMs
    this.#now = now
  }

  /** A session now speaks for the interviewer (its console set availability). Idempotent. */
  connected(interviewerId: number, session: string): void {
    let e = this.#entries.get(interviewerId)
    if (!e) this.#entries.set(interviewerId, (e = { sessions: new Set(), goneAt: null }))
    e.sessions.add(session)
    e.goneAt = null
    this.#gone.delete(interviewerId)
  }

  /** A session closed. When it was the interviewer's last one, the grace period starts now. */
  disconnected(interviewerId: number, session: string): void {
    const e = this.#entries.get(interviewerId)
    if (!e?.sessions.delete(session) || e.sessions.size > 0) return
    e.goneAt = this.#now()
    // Re-insert so #gone stays ordered by goneAt.
    this.#gone.delete(interviewerId)
    this.#gone.add(interviewerId)
  }

  /** True while the interviewer has an open session or is still within its grace period. */
  present(interviewerId: number): boolean {
    const e = this.#entries.get(interviewerId)
    if (!e) return false
    return e.goneAt === null || this.#now() - e.goneAt <= this.#graceMs
  }

  /** Whether presence applies to the interviewer at all (it had a console session here). */
  tracked(interviewerId: number): boolean {
    return this.#entries.has(interviewerId)
  }

  /** Open sessions for the interviewer. */
  sessions(interviewerId: number): number {
    return this.#entries.get(interviewerId)?.sessions.size ?? 0
  }

  /**
   * Interviewers whose sessions have all been gone longer than the grace period, each returned once:
   * they are forgotten here, so a later console starts a fresh entry.
   */
  expire(): number[] {
    const now = this.#now()
    const out: number[] = []
    for (const id of this.#gone) {
      const e = this.#entries.get(id)!
      if (now - e.goneAt! <= this.#graceMs) break
      out.push(id)
    }
    for (const id of out) {
      this.#gone.delete(id)
      this.#entries.delete(id)
    }
    return out
  }

  /** When (on the clock) the next expiry is due, or null when nobody is within a grace period. */
  nextDeadline(): number | null {
    for (const id of this.#gone) return this.#entries.get(id)!.goneAt! + this.#graceMs
    return null
  }
}
