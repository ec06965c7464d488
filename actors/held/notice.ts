// The `freed` notice: an interviewer has room again. It carries what a router needs to test the
// interviewer against its held requests without asking the shard host (the static hard filters,
// the room, the expected start of the next slot), so a pass retries only requests it can serve.
import type { InterviewerQueue } from '../interviewer/queue.ts'

export interface FreedNotice {
  /** The interviewer; -1: every queue of a shard changed (reset): any held request may fit. */
  iv: number
  /** Lower-cased languages. */
  langs: string[]
  cost: number
  clearance: boolean
  /** Free slots (capacity − occupancy). */
  room: number
  /** Expected start, in minutes, of an assignment taking the next slot. */
  start_min: number
}

/** The notice of a queue that may have room; room 0 when it has none (nothing to retry). */
export function freedNotice(q: InterviewerQueue): FreedNotice {
  const online = q.availability === 'online'
  return {
    iv: q.id,
    langs: [...q.langs],
    cost: q.cost,
    clearance: q.profile.clearance,
    room: online ? Math.max(0, q.capacity - q.occupancy) : 0,
    start_min: q.estimatedStart(q.occupancy),
  }
}

/** The notice of a reset shard: everything may fit again. */
export const ANY_FREED: FreedNotice = { iv: -1, langs: [], cost: 0, clearance: true, room: Number.MAX_SAFE_INTEGER, start_min: 0 }
