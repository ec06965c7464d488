// An in-memory store implementing the actors' ports, for tests and benchmarks: it records every
// commit (so tests can compare queues with committed rows), detects request_id conflicts like the
// real store, and can be told to fail.
import type { Interviewer, Weights } from '../../client/model.ts'
import type { Assignment, InterviewerStats, User } from '../model/types.ts'
import { OPEN_ASSIGNMENT_STATES } from '../model/types.ts'
import type { AssignmentLog, CommitBatch, CommitResult, DecisionRecord, Directory, HeldLog, HeldRow, WeightsStore } from '../ports.ts'

export class FakeStoreError extends Error {
  readonly code: 'db_error' | 'fenced'
  constructor(message: string, code: 'db_error' | 'fenced' = 'db_error') {
    super(message)
    this.code = code
  }
}

export class FakeStore implements Directory, AssignmentLog, WeightsStore, HeldLog {
  users = new Map<number, User>()
  interviewers: Interviewer[] = []
  stats: InterviewerStats[] = []
  assignments = new Map<string, Assignment>()
  decisions = new Map<string, DecisionRecord>()
  byRequest = new Map<string, DecisionRecord>()
  weights: Weights | null = null
  /** Held requests with their lease time (ms epoch). */
  held = new Map<string, { row: HeldRow; lease: number }>()
  commits = 0
  /** Shard fencing epochs (shard → current epoch); a batch fenced under another epoch is refused. */
  epochs = new Map<number, number>()
  /** When true every call rejects (a database outage). */
  failing = false
  /** Don't copy rows (benchmarks): faster, but later in-memory changes show through. */
  shallow = false

  constructor(init: { users?: User[]; interviewers?: Interviewer[]; stats?: InterviewerStats[] } = {}) {
    for (const u of init.users ?? []) this.users.set(u.id, u)
    this.interviewers = init.interviewers ?? []
    this.stats = init.stats ?? []
  }

  #check(): void {
    if (this.failing) throw new FakeStoreError('database unavailable')
  }

  async getUser(id: number): Promise<User | null> {
    this.#check()
    return this.users.get(id) ?? null
  }
  async loadInterviewers(): Promise<Interviewer[]> {
    this.#check()
    return this.interviewers.map((i) => ({ ...i }))
  }
  async interviewerStats(): Promise<InterviewerStats[]> {
    this.#check()
    return this.stats
  }

  async commit(batch: CommitBatch): Promise<CommitResult> {
    this.#check()
    for (const f of batch.fences ?? []) {
      const current = this.epochs.get(f.shard) ?? 0
      if (current !== f.epoch) throw new FakeStoreError(`shard ${f.shard} is at epoch ${current}; this write holds epoch ${f.epoch}`, 'fenced')
    }
    this.commits++
    const conflicts: string[] = []
    const skip = new Set<string>()
    const seen = new Set<string>()
    for (const d of batch.decisions) {
      if (d.request_id === null) continue
      if (this.byRequest.has(d.request_id) || seen.has(d.request_id)) {
        conflicts.push(d.request_id)
        skip.add(d.decision_id)
      } else seen.add(d.request_id)
    }
    for (const t of batch.transitions) if (!this.assignments.has(t.id) && !batch.assignments.some((a) => a.id === t.id)) throw new FakeStoreError(`transition of unknown assignment ${t.id}`)
    for (const d of batch.decisions) {
      if (skip.has(d.decision_id)) continue
      this.decisions.set(d.decision_id, d)
      if (d.request_id !== null) this.byRequest.set(d.request_id, d)
    }
    for (const a of batch.assignments) if (!skip.has(a.decision_id)) this.assignments.set(a.id, this.shallow ? a : { ...a })
    for (const t of batch.transitions) {
      const a = this.assignments.get(t.id)
      if (a) {
        if (this.shallow) {
          a.state = t.state
        } else this.assignments.set(t.id, { ...a, state: t.state, updated_at: t.at })
      }
    }
    return { conflicts }
  }

  async openAssignments(): Promise<Assignment[]> {
    this.#check()
    return [...this.assignments.values()]
      .filter((a) => isOpen(a))
      .sort((a, b) => a.created_at.localeCompare(b.created_at))
      .map((a) => ({ ...a }))
  }

  async findDecisionByRequestId(requestId: string): Promise<DecisionRecord | null> {
    this.#check()
    return this.byRequest.get(requestId) ?? null
  }

  async latestWeights(): Promise<Weights | null> {
    this.#check()
    return this.weights
  }
  async saveWeights(w: Weights): Promise<void> {
    this.#check()
    this.weights = { ...w }
  }

  async saveHeld(row: HeldRow): Promise<void> {
    this.#check()
    const had = this.held.get(row.id)
    this.held.set(row.id, { row: had ? { ...had.row, node_id: row.node_id } : { ...row }, lease: Date.now() })
  }
  async deleteHeld(ids: string[]): Promise<void> {
    this.#check()
    for (const id of ids) this.held.delete(id)
  }
  async findHeld(requestId: string): Promise<HeldRow | null> {
    this.#check()
    for (const h of this.held.values()) if (h.row.request_id === requestId) return { ...h.row }
    return null
  }
  async claimHeld(nodeId: string, staleMs: number): Promise<HeldRow[]> {
    this.#check()
    const now = Date.now()
    const out: HeldRow[] = []
    for (const h of this.held.values()) {
      if (h.row.node_id !== null && h.row.node_id !== nodeId && h.lease >= now - staleMs) continue
      h.row = { ...h.row, node_id: nodeId }
      h.lease = now
      out.push({ ...h.row })
    }
    return out.sort((a, b) => a.queued_at.localeCompare(b.queued_at))
  }
  async releaseHeld(nodeId: string): Promise<void> {
    this.#check()
    for (const h of this.held.values()) if (h.row.node_id === nodeId) h.row = { ...h.row, node_id: null }
  }

  /** Open assignment ids per interviewer, as committed. */
  openByInterviewer(): Map<number, string[]> {
    const out = new Map<number, string[]>()
    for (const a of this.assignments.values()) {
      if (!isOpen(a)) continue
      const l = out.get(a.interviewer_id)
      if (l) l.push(a.id)
      else out.set(a.interviewer_id, [a.id])
    }
    return out
  }
}

function isOpen(a: Assignment): boolean {
  return (OPEN_ASSIGNMENT_STATES as readonly string[]).includes(a.state)
}
