// Durability on the embedded store (PGlite in DATA_DIR), through the real server process: the audit
// trail answers "why did this go there?", kill -9 mid-burst restores exactly what was acknowledged,
// and a queue reset followed by kill -9 stays reset.
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteResult, StateSnapshot } from '../../client/protocol.ts'
import { burst, newTold } from './burst.ts'
import { checkTold, expectOneBookingPerRequest, retryAcknowledged, type CommittedRow } from './crash-check.ts'
import { get, post, startServer, type ServerHandle } from './server.ts'

interface Decision {
  decision_id: string
  user_id: number
  status: string
  interviewer_id: number | null
  weights_version: number
  bids: { interviewer_id: number; score: number; factors: Record<string, number> }[]
  request: Record<string, unknown>
  result: RouteResult
}
interface DecisionPage {
  items: Decision[]
  total: number
  page: number
  limit: number
}

describe('durability on PGlite (server process)', () => {
  let srv: ServerHandle
  beforeAll(async () => {
    srv = await startServer({ env: { SNAPSHOT_INTERVAL_S: '1' } })
  })
  afterAll(async () => {
    await srv?.dispose()
  })
  const state = async (): Promise<StateSnapshot> => (await get<StateSnapshot>(`${srv.url}/v1/state`)).body

  it('every decision is stored with its request, all bids with factors, weights version and outcome', async () => {
    const body = { topics: ['FinTech'], language: 'English', budget: 200, sensitivity: false, sla_min: 600, user_id: 42 }
    const a = (await post<RouteResult>(`${srv.url}/v1/route`, body)).body
    expect(a.status).toBe('assigned')
    expect((await post<RouteResult>(`${srv.url}/v1/route`, { ...body, language: 'Klingon' })).body.status).toBe('no_candidates')

    const mine = (await get<DecisionPage>(`${srv.url}/v1/decisions?user_id=42`)).body
    expect(mine.total).toBeGreaterThanOrEqual(2)
    const why = mine.items.find((d) => d.decision_id === a.decision_id)
    expect(why).toMatchObject({
      status: 'assigned',
      interviewer_id: a.interviewer_id,
      weights_version: expect.any(Number),
      request: { language: 'English', user_id: 42 },
      result: { assignment_id: a.assignment_id },
    })
    expect(why!.bids.length).toBeGreaterThan(0)
    expect(why!.bids[0].interviewer_id).toBe(a.interviewer_id)
    expect(Object.keys(why!.bids[0].factors).sort()).toEqual(['cost', 'experience', 'fairness', 'load', 'quality', 'topic'])

    const none = (await get<DecisionPage>(`${srv.url}/v1/decisions?user_id=42&outcome=no_candidates`)).body
    expect(none.items.length).toBeGreaterThan(0)
    for (const d of none.items) expect(d.status).toBe('no_candidates')
    const byIv = (await get<DecisionPage>(`${srv.url}/v1/decisions?interviewer_id=${a.interviewer_id}`)).body
    for (const d of byIv.items) expect(d.interviewer_id).toBe(a.interviewer_id)
    const future = (await get<DecisionPage>(`${srv.url}/v1/decisions?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).body
    expect(future.total).toBe(0)
    const p1 = (await get<DecisionPage>(`${srv.url}/v1/decisions?user_id=42&limit=1&page=1`)).body
    const p2 = (await get<DecisionPage>(`${srv.url}/v1/decisions?user_id=42&limit=1&page=2`)).body
    expect(p1.items).toHaveLength(1)
    expect(p2.items[0].decision_id).not.toBe(p1.items[0].decision_id)
    expect((await get(`${srv.url}/v1/decisions?outcome=nonsense`)).status).toBe(400)

    const user = (await get<{ id: number; history: unknown[]; routing_history: Decision[] }>(`${srv.url}/v1/users/42`)).body
    expect(user.id).toBe(42)
    expect(Array.isArray(user.history)).toBe(true)
    expect(user.routing_history.map((d) => d.decision_id)).toContain(a.decision_id)
  })

  it('kill -9 mid-burst: the restarted server holds exactly the committed open assignments, acknowledged ones included', async () => {
    const told = newTold()
    const b = burst(srv.wsUrl, told, 8, 4)
    for (let i = 0; i < 3000 && told.replies < 600; i++) await new Promise((r) => setTimeout(r, 5))
    await srv.stop('SIGKILL')
    b.stop()
    await b.done
    await srv.restart()
    const restored = (await state()).interviewers
    await retryAcknowledged('pglite', srv.wsUrl, told, 50)
    // PGlite is one process's folder: read the rows once the server let go of it.
    await srv.stop('SIGTERM')
    const db = new PGlite(srv.dataDir)
    let rows: CommittedRow[]
    try {
      rows = (await db.query<CommittedRow>('select id, interviewer_id, state, request_id from assignments')).rows
    } finally {
      await db.close()
    }
    const counts = checkTold('pglite', told, rows, restored)
    expectOneBookingPerRequest('pglite', rows)
    console.log(
      `[crash pglite] replies=${told.replies} acknowledged assigned=${told.assigned.size} open-as-told=${counts.heardOpen} committed-open=${counts.committedOpen} restored=${counts.restored}`,
    )
    expect(told.assigned.size).toBeGreaterThan(50)
    await srv.restart()
  }, 90_000)

  it('a queue reset followed by kill -9 does not resurrect the cleared assignments', async () => {
    for (let i = 0; i < 5; i++) await post(`${srv.url}/v1/route`, { topics: ['pricing'], language: 'English', budget: 200, sensitivity: false, sla_min: 600, user_id: 200 + i })
    expect((await state()).totals.current_queue).toBeGreaterThan(0)
    const r = await post<{ status: string; cleared: number }>(`${srv.url}/v1/admin/reset_queues`, {})
    expect(r.body).toMatchObject({ status: 'reset', cleared: expect.any(Number) })
    await srv.stop('SIGKILL')
    await srv.restart()
    expect((await state()).totals.current_queue).toBe(0)
  }, 60_000)
})
