// The snapshot queries behind SnapshotLog, over the Db seam (both backends): few big statements, so
// writing or reading 100,000 interviewers is a handful of round trips, never one per interviewer.
import type { Availability } from '../../client/model.ts'
import type { Assignment } from '../../actors/model/types.ts'
import type { InterviewerSnapshot, SnapshotLog } from '../../actors/ports.ts'
import type { Db, Row } from './db.ts'
import { toAssignment } from './rows.ts'

const OPEN = `('offered', 'accepted', 'active')`
/** Interviewers per statement: bounds one JSON parameter to a few megabytes. */
const CHUNK = 5_000

interface StoredState {
  availability: Availability
  last_assigned_at: number
  watermark: string
  entries: Assignment[]
}

export function snapshotQueries(db: Db): SnapshotLog {
  return {
    async saveSnapshots(run) {
      let open = 0
      for (const s of run.snapshots) open += s.entries.length
      await db.transaction(async (tx) => {
        for (let i = 0; i < run.snapshots.length; i += CHUNK) {
          const rows = run.snapshots.slice(i, i + CHUNK).map((s) => ({
            i: s.interviewer_id,
            l: s.last_assigned_at > 0 ? new Date(s.last_assigned_at).toISOString() : null,
            s: { availability: s.availability, last_assigned_at: s.last_assigned_at, watermark: s.watermark, entries: s.entries } satisfies StoredState,
          }))
          await tx.query(
            `insert into interviewer_snapshots (interviewer_id, taken_at, state, last_assignment_at)
            select x.i, now(), x.s, x.l from jsonb_to_recordset($1::text::jsonb) as x(i int, s jsonb, l timestamptz)
            on conflict (interviewer_id) do update set taken_at = excluded.taken_at, state = excluded.state, last_assignment_at = excluded.last_assignment_at`,
            [JSON.stringify(rows)],
          )
        }
        await tx.query(
          `insert into snapshot_runs (node_id, shard_index, shard_count, reason, interviewers, open_assignments, watermark)
          values ($1::text, $2::int, $3::int, $4::text, $5::int, $6::int, $7::timestamptz)`,
          [run.node_id, run.shard_index, run.shard_count, run.reason, run.snapshots.length, open, run.watermark],
        )
      })
    },

    async latestSnapshotRun(shardIndex, shardCount) {
      const [r] = await db.query<{ w: string }>(
        `select to_char(watermark at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as w from snapshot_runs
          where shard_index = $1::int and shard_count = $2::int order by id desc limit 1`,
        [shardIndex, shardCount],
      )
      return r ? { watermark: String(r.w) } : null
    },

    async loadSnapshots(shardIndex, shardCount) {
      // The state travels as text: one JSON.parse per row is far cheaper than the driver's jsonb path.
      const rows = await db.query<{ i: number; s: string }>('select interviewer_id as i, state::text as s from interviewer_snapshots where interviewer_id % $2::int = $1::int', [
        shardIndex,
        shardCount,
      ])
      return rows.map((r) => fromStored(Number(r.i), JSON.parse(r.s) as StoredState))
    },

    async assignmentsChangedSince(at) {
      // A closed range: without statistics (or in a generic plan) `>= $1` alone is estimated at a third
      // of the table and read by a sequential scan, a closed range at 0.5 %, which the index serves.
      const rows = await db.query<Row>(`select * from assignments where updated_at >= $1::timestamptz and updated_at <= 'infinity'::timestamptz order by created_at, id`, [at])
      return rows.map(toAssignment)
    },

    async openAssignmentsOf(ids) {
      if (ids.length === 0) return []
      const rows = await db.query<Row>(`select * from assignments where state in ${OPEN} and interviewer_id = any($1::text::int[]) order by created_at, id`, [`{${ids.join(',')}}`])
      return rows.map(toAssignment)
    },
  }
}

function fromStored(id: number, s: StoredState): InterviewerSnapshot {
  return { interviewer_id: id, availability: s.availability, last_assigned_at: Number(s.last_assigned_at) || 0, watermark: s.watermark, entries: s.entries }
}
