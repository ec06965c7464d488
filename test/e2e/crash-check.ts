// The crash test's verdict: compares what clients were told with what the restarted server holds and
// what Postgres (or PGlite, read through the server's own endpoints) committed.
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

/** Reads every assignment as committed (an external query, so it sees only durable rows). */
export type ReadCommitted = () => Promise<CommittedRow[]>

export async function verifyRestored(label: string, baseUrl: string, wsUrl: string, told: Told, readCommitted: ReadCommitted, retries = 100): Promise<void> {
  const rows = await readCommitted()
  const byId = new Map(rows.map((r) => [r.id, r]))
  const openBy = new Map<number, number>()
  for (const r of rows) if (r.state === 'offered' || r.state === 'accepted' || r.state === 'active') openBy.set(r.interviewer_id, (openBy.get(r.interviewer_id) ?? 0) + 1)

  // Every `assigned` a client heard is committed; unless it was completed (acknowledged, or by a
  // completion the crash cut off) it is still open, and never silently cancelled or lost.
  let heardOpen = 0
  let completedUnheard = 0
  for (const [aid, t] of told.assigned) {
    const row = byId.get(aid)
    expect(row, `${label}: acknowledged assignment ${aid} is committed`).toBeDefined()
    if (told.completed.has(aid)) {
      expect(row!.state, `${label}: acknowledged completion of ${aid}`).toBe('completed')
      continue
    }
    if (row!.state === 'completed') completedUnheard++
    else {
      expect(['offered', 'accepted', 'active'], `${label}: assignment ${aid} of interviewer ${t.interviewer_id}`).toContain(row!.state)
      heardOpen++
    }
  }
  expect(completedUnheard, `${label}: completions nobody heard of are at most the completions cut off`).toBeLessThanOrEqual(told.lostCompletes)

  // The restored actors hold exactly the committed open assignments, none over capacity.
  const snap = (await get<StateSnapshot>(`${baseUrl}/v1/state`)).body
  let restored = 0
  for (const s of snap.interviewers as InterviewerState[]) {
    expect(s.current_queue, `${label}: interviewer ${s.interviewer_id} restored queue`).toBe(openBy.get(s.interviewer_id) ?? 0)
    expect(s.current_queue).toBeLessThanOrEqual(s.capacity)
    restored += s.current_queue
  }

  // A retried request_id gets its first outcome back, never a second booking.
  const acknowledged = [...told.outcomes.entries()]
  const sample = acknowledged.slice(-retries)
  for (const [rid, first] of sample) {
    const again = await routeOnce(wsUrl, { ...firstRequest(told, rid), request_id: rid })
    expect(again.ok, `${label}: retry of ${rid}: ${JSON.stringify(again.error)} first ${JSON.stringify(first)}`).toBe(true)
    expect(again.result?.status).toBe(first.status)
    if (first.status === 'assigned') expect(again.result?.assignment_id).toBe(first.assignment_id)
  }
  const retriedUnanswered = [...told.unanswered.entries()].slice(0, retries)
  for (const [rid, req] of retriedUnanswered) {
    const r = await routeOnce(wsUrl, req)
    if (r.ok && r.result?.status === 'assigned' && typeof r.result.assignment_id === 'string') {
      told.assigned.set(r.result.assignment_id, { interviewer_id: Number(r.result.interviewer_id), request_id: rid })
    }
    if (r.ok && r.result) {
      told.outcomes.set(rid, r.result as never)
      told.unanswered.delete(rid)
    }
  }
  const after = await readCommitted()
  const perRequest = new Map<string, number>()
  for (const r of after) if (r.request_id) perRequest.set(r.request_id, (perRequest.get(r.request_id) ?? 0) + 1)
  for (const [rid, n] of perRequest) expect(n, `${label}: bookings of request ${rid}`).toBe(1)

  console.log(`[crash ${label}] replies=${told.replies} acknowledged assigned=${told.assigned.size} completed=${told.completed.size} open-as-told=${heardOpen} ` +
    `committed-open=${[...openBy.values()].reduce((a, b) => a + b, 0)} restored=${restored} cut-off completions=${told.lostCompletes} ` +
    `unanswered routes=${retriedUnanswered.length} retried=${sample.length}`)
}

function firstRequest(told: Told, rid: string): { user_id: number; topics: string[]; language: string; budget: number; sensitivity: boolean; sla_min: number } {
  const r = told.outcomes.get(rid)
  return { user_id: r?.user_id ?? 1, topics: ['FinTech'], language: 'English', budget: 200, sensitivity: false, sla_min: 600 }
}
