// Start-up restore for one shard: reads the latest snapshots, the rows changed after their earliest
// watermark and the open rows of interviewers without a snapshot (three queries, whatever the
// size), and hands the shard host the merged open assignments plus each snapshot's live state.
import type { Logger, AssignmentLog, Directory, InterviewerSnapshot, SnapshotLog } from '../ports.ts'
import type { Interviewer } from '../../client/model.ts'
import type { Assignment, InterviewerStats, User } from '../model/types.ts'
import type { InterviewerQueue } from '../interviewer/queue.ts'
import { adoptSnapshot, mergeOpen, replayFrom } from './snapshot.ts'

export function isSnapshotLog(s: object): s is SnapshotLog {
  const o = s as Partial<Record<keyof SnapshotLog, unknown>>
  return (
    typeof o.saveSnapshots === 'function' &&
    typeof o.loadSnapshots === 'function' &&
    typeof o.latestSnapshotRun === 'function' &&
    typeof o.assignmentsChangedSince === 'function' &&
    typeof o.openAssignmentsOf === 'function'
  )
}

export interface RestoreStats {
  snapshots: number
  replayed: number
  unsnapshotted: number
  open: number
  ms: number
}

type HostStore = Directory & Pick<AssignmentLog, 'openAssignments'>

/** Wraps the store the shard host loads from: its first openAssignments() is the snapshot restore. */
export class Restorer {
  #store: HostStore
  #snaps: SnapshotLog
  #shard: { index: number; count: number }
  #log: Logger
  #by = new Map<number, InterviewerSnapshot>()
  #first = true
  /** The interviewer list of the first load, shared by the host and the restore (read once). */
  #ivs: Promise<Interviewer[]> | null = null
  last: RestoreStats | null = null
  readonly store: HostStore

  constructor(store: HostStore, snaps: SnapshotLog, shard: { index: number; count: number }, log: Logger) {
    this.#store = store
    this.#snaps = snaps
    this.#shard = shard
    this.#log = log
    this.store = {
      getUser: (id: number): Promise<User | null> => store.getUser(id),
      loadInterviewers: (): Promise<Interviewer[]> => {
        if (!this.#first) return store.loadInterviewers()
        this.#ivs ??= store.loadInterviewers()
        return this.#ivs
      },
      interviewerStats: (): Promise<InterviewerStats[]> => store.interviewerStats(),
      openAssignments: (): Promise<Assignment[]> => {
        if (!this.#first) return store.openAssignments()
        this.#first = false
        const ivs = this.#ivs ?? store.loadInterviewers()
        this.#ivs = null
        return this.#restore(ivs)
      },
    }
  }

  async #restore(interviewers: Promise<Interviewer[]>): Promise<Assignment[]> {
    const t0 = performance.now()
    const { index, count } = this.#shard
    const [snaps, ivs, run] = await Promise.all([this.#snaps.loadSnapshots(index, count), interviewers, this.#snaps.latestSnapshotRun(index, count)])
    // The latest run vouches for every snapshot of this layout as of its watermark (a run writes the
    // interviewers that changed; the others did not). Without one, each row's own watermark counts.
    const own = replayFrom(snaps)
    const from = own === null ? null : run && run.watermark > own ? run.watermark : own
    if (from === null) {
      // No snapshot yet (first start): the committed open rows are the whole state.
      const open = await this.#store.openAssignments()
      this.last = { snapshots: 0, replayed: 0, unsnapshotted: open.length, open: open.length, ms: performance.now() - t0 }
      return open
    }
    for (const s of snaps) this.#by.set(s.interviewer_id, s)
    const missing = ivs.filter((iv) => iv.id % count === index && !this.#by.has(iv.id)).map((iv) => iv.id)
    const [changed, unsnapshotted] = await Promise.all([this.#snaps.assignmentsChangedSince(from), this.#snaps.openAssignmentsOf(missing)])
    const open = mergeOpen(snaps, changed, unsnapshotted)
    this.last = { snapshots: snaps.length, replayed: changed.length, unsnapshotted: unsnapshotted.length, open: open.length, ms: performance.now() - t0 }
    this.#log.info(this.last, 'restored interviewer queues from snapshots')
    return open
  }

  /** Applies the interviewer's snapshot to its freshly restored queue (once; later reloads keep live state). */
  adopt(q: InterviewerQueue): void {
    const s = this.#by.get(q.id)
    if (!s) return
    this.#by.delete(q.id)
    adoptSnapshot(q, s)
  }
}
