// The crash test's verdict: compares what clients were told with what the restarted server holds and
// what the store committed (read by the test itself, so it sees only durable rows).
import { expect } from 'vitest'
import type { InterviewerState, StateSnapshot } from '../../client/protocol.ts'
import { get } from './server.ts'
import { routeOnce, type Told } from './burst.ts'

export interface CommittedRow {
  id: string
  interviewer_id: number
  state: string
  request_id: string | null
}

/** Reads every assignment as committed. */
export type ReadCommitted = () => Promise<CommittedRow[]>

const isOpen = (s: string): boolean => s === 'offered' || s === 'accepted' || s === 'active'

/** The whole check against a running server on real Postgres (rows readable while it runs). */
export async function verifyRestored(label: string, baseUrl: string, wsUrl: string, told: Told, readCommitted: ReadCommitted, retries = 100): Promise<void> {
  const rows = await readCommitted()
  const snap = (await get<StateSnapshot>(`${baseUrl}/v1/state`)).body
  const counts = checkTold(label, told, rows, snap.interviewers)
  const retried = await retryAcknowledged(label, wsUrl, told, retries)
  const cut = await retryUnanswered(wsUrl, told, retries)
  expectOneBookingPerRequest(label, await readCommitted())
  console.log(
    `[crash ${label}] replies=${told.replies} acknowledged assigned=${told.assigned.size} completed=${told.completed.size} ` +
      `open-as-told=${counts.heardOpen} committed-open=${counts.committedOpen} restored=${counts.restored} ` +
      `cut-off completions=${told.lostCompletes} cut-off routes retried=${cut} acknowledged retried=${retried}`,
  )
}

/** Told vs committed rows vs the restarted server's queues; returns the counts to print. */
export function checkTold(label: string, told: Told, rows: CommittedRow[], restoredState: InterviewerState[]): { heardOpen: number; committedOpen: number; restored: number } {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const openBy = new Map<number, number>()
  for (const r of rows) if (isOpen(r.state)) openBy.set(r.interviewer_id, (openBy.get(r.interviewer_id) ?? 0) + 1)

  // Every `assigned` a client heard is committed; unless it was completed (acknowledged, or by a
  // completion the crash cut off) it is still open, and never silently cancelled or lost.
  let heardOpen = 0
  let completedUnheard = 0
  for (const [aid, t] of told.assigned) {
    const row = byId.get(aid)
    expect(row, `${label}: acknowledged assignment ${aid} is committed`).toBeDefined()
    if (!row) continue
    if (told.completed.has(aid)) {
      expect(row.state, `${label}: acknowledged completion of ${aid}`).toBe('completed')
      continue
    }
    if (row.state === 'completed') completedUnheard++
    else {
      expect(isOpen(row.state), `${label}: assignment ${aid} of interviewer ${t.interviewer_id} is ${row.state}`).toBe(true)
      heardOpen++
    }
  }
  expect(completedUnheard, `${label}: completions nobody heard of are at most the completions cut off`).toBeLessThanOrEqual(told.lostCompletes)

  // The restored actors hold exactly the committed open assignments, none over capacity.
  let restored = 0
  for (const s of restoredState) {
    expect(s.current_queue, `${label}: interviewer ${s.interviewer_id} restored queue`).toBe(openBy.get(s.interviewer_id) ?? 0)
    expect(s.current_queue).toBeLessThanOrEqual(s.capacity)
    restored += s.current_queue
  }
  return { heardOpen, committedOpen: [...openBy.values()].reduce((a, b) => a + b, 0), restored }
}

/** A retried acknowledged request_id gets its first outcome back; returns how many were retried. */
export async function retryAcknowledged(label: string, wsUrl: string, told: Told, retries: number): Promise<number> {
  const sample = [...told.outcomes.entries()].slice(-retries)
  for (const [rid, first] of sample) {
    const again = await routeOnce(wsUrl, { user_id: first.user_id, topics: ['FinTech'], language: 'English', budget: 200, sensitivity: false, sla_min: 600, request_id: rid })
    expect(again.ok, `${label}: retry of ${rid}: ${JSON.stringify(again.error)}`).toBe(true)
    expect(again.result?.status, `${label}: retry of ${rid}`).toBe(first.status)
    if (first.status === 'assigned') expect(again.result?.assignment_id).toBe(first.assignment_id)
  }
  return sample.length
}

/** Routes the crash cut off, retried as a client would: answered now, booked at most once. */
export async function retryUnanswered(wsUrl: string, told: Told, retries: number): Promise<number> {
  const cut = [...told.unanswered.entries()].slice(0, retries)
  for (const [rid, req] of cut) {
    const r = await routeOnce(wsUrl, req)
    if (!r.ok || !r.result) continue
    const status = r.result.status
    if (status === 'assigned' && typeof r.result.assignment_id === 'string') {
      told.assigned.set(r.result.assignment_id, { interviewer_id: Number(r.result.interviewer_id), request_id: rid })
    }
    told.outcomes.set(rid, r.result as never)
    told.unanswered.delete(rid)
  }
  return cut.length
}

export function expectOneBookingPerRequest(label: string, rows: CommittedRow[]): void {
  const perRequest = new Map<string, number>()
  for (const r of rows) if (r.request_id) perRequest.set(r.request_id, (perRequest.get(r.request_id) ?? 0) + 1)
  for (const [rid, n] of perRequest) expect(n, `${label}: bookings of request ${rid}`).toBe(1)
}
