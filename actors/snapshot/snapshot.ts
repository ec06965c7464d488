// Pure snapshot logic: capturing an interviewer queue and rebuilding every queue of a shard from the
// latest snapshots plus the rows changed after their watermarks. The committed rows stay the source
// of truth; a snapshot only saves reading (and re-deriving) what did not change since it was taken.
import type { Availability } from '../../client/model.ts'
import type { Assignment } from '../model/types.ts'
import { OPEN_ASSIGNMENT_STATES } from '../model/types.ts'
import type { InterviewerSnapshot } from '../ports.ts'
import type { InterviewerQueue } from '../interviewer/queue.ts'

/**
 * How far before its capture a snapshot's watermark lies. Rows are stamped by the node that changes
 * them before they commit, so a row committed just after the capture may carry an earlier stamp;
 * replaying this margin (and clock skew between nodes) again costs little and keeps restore exact.
 */
export const WATERMARK_GRACE_MS = 10_000

const OPEN = new Set<string>(OPEN_ASSIGNMENT_STATES)

/** The queue's durable state now. Reservations not yet durable are left out (replay finds them if they commit). */
export function captureQueue(q: InterviewerQueue, now: number, graceMs = WATERMARK_GRACE_MS): InterviewerSnapshot {
  let mark = now - graceMs
  const entries: Assignment[] = []
  for (const e of q.entries) {
    const t = Date.parse(e.a.created_at)
    if (e.pending) {
      if (Number.isFinite(t) && t < mark) mark = t
      continue
    }
    // A busy entry is captured as it was before its transition; the transition's row replays.
    entries.push({ ...e.a })
  }
  return { interviewer_id: q.id, availability: q.availability, last_assigned_at: q.lastAssignedAt, watermark: new Date(mark).toISOString(), entries }
}

/**
 * What a snapshot of the queue would hold, cheaply: equal signatures mean nothing to write again.
 * `pendingSince` is the creation time of its oldest reservation still committing (Infinity if none).
 */
export function signatureOf(q: InterviewerQueue): { sig: string; pendingSince: number } {
  let sig = `${q.availability}|${q.lastAssignedAt}`
  let pendingSince = Infinity
  for (const e of q.entries) {
    if (e.pending) {
      const t = Date.parse(e.a.created_at)
      if (Number.isFinite(t) && t < pendingSince) pendingSince = t
      continue
    }
    sig += `|${e.a.id}:${e.a.state}`
  }
  return { sig, pendingSince }
}

/** The earliest watermark: restore replays every row changed at or after it. */
export function replayFrom(snaps: readonly InterviewerSnapshot[]): string | null {
  let min: string | null = null
  for (const s of snaps) if (min === null || s.watermark < min) min = s.watermark
  return min
}

const byCreation = (a: Assignment, b: Assignment): number => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * Every open assignment of the snapshotted interviewers, oldest first: the snapshots' queues with
 * the changed rows applied over them (a changed row is the row as committed now, so it wins).
 * `unsnapshotted` are the open rows of interviewers no snapshot covers, read directly.
 */
export function mergeOpen(snaps: readonly InterviewerSnapshot[], changed: readonly Assignment[], unsnapshotted: readonly Assignment[]): Assignment[] {
  const open = new Map<string, Assignment>()
  for (const s of snaps) for (const a of s.entries) open.set(a.id, a)
  for (const a of unsnapshotted) open.set(a.id, a)
  for (const a of changed) {
    if (OPEN.has(a.state)) open.set(a.id, a)
    else open.delete(a.id)
  }
  return [...open.values()].sort(byCreation)
}

/** What a snapshot adds to a freshly built queue: live availability and the fairness clock. */
export function adoptSnapshot(q: InterviewerQueue, s: { availability: Availability; last_assigned_at: number }): void {
  q.availability = s.availability
  if (s.last_assigned_at > q.lastAssignedAt) q.lastAssignedAt = s.last_assigned_at
}
