// Closing the loop against the real server: a completion over HTTP or WebSocket, with its outcome,
// becomes an interview-history row (seen in GET /v1/users/:id); a bad outcome is a typed error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompleteResult } from '../../actors/engine.ts'
import type { InterviewRecord } from '../../actors/model/types.ts'
import type { RouteResult } from '../../client/protocol.ts'
import { RawWs, get, post, startServer, type ServerHandle } from './server.ts'

let srv: ServerHandle
beforeAll(async () => {
  srv = await startServer()
})
afterAll(async () => {
  await srv?.dispose()
})

const route = async (userId: number, topics: string[]): Promise<RouteResult> => {
  const r = await post<RouteResult>(`${srv.url}/v1/route`, { topics, language: 'English', budget: 100, sensitivity: false, sla_min: 600, user_id: userId })
  expect(r.body.status).toBe('assigned')
  return r.body
}
/** The user's history rows written by live completions (seeded rows carry a transcript). */
const liveHistory = async (userId: number): Promise<InterviewRecord[]> => {
  const r = await get<{ history: InterviewRecord[] }>(`${srv.url}/v1/users/${userId}`)
  expect(r.status).toBe(200)
  return r.body.history.filter((h) => h.transcript === '')
}

describe('interview outcomes', () => {
  it('HTTP complete with a rating writes a completed history row with the request topic', async () => {
    const a = await route(42, ['pricing', 'FinTech'])
    const r = await post<CompleteResult>(`${srv.url}/v1/complete`, { assignment_id: a.assignment_id, outcome: 'completed', rating: 4, duration_min: 25 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'completed', outcome: 'completed', assignment_id: a.assignment_id })
    expect(await liveHistory(42)).toEqual([expect.objectContaining({ interviewer_id: a.interviewer_id, outcome: 'completed', rating: 4, duration_min: 25, topic: 'pricing' })])
  })

  it('WebSocket complete with no_show writes an unrated no-show row; the default outcome is completed', async () => {
    const ws = await RawWs.open(srv.wsUrl)
    try {
      const a = await route(43, ['retention'])
      const r = await ws.call<{ ok: boolean; result: CompleteResult }>({ id: 1, type: 'complete', assignment_id: a.assignment_id, outcome: 'no_show' })
      expect(r).toMatchObject({ ok: true, result: { status: 'completed', outcome: 'no_show' } })
      const b = await route(43, ['payments'])
      const r2 = await ws.call<{ ok: boolean; result: CompleteResult }>({ id: 2, type: 'complete', assignment_id: b.assignment_id })
      expect(r2).toMatchObject({ ok: true, result: { outcome: 'completed' } })
      const rows = await liveHistory(43)
      expect(rows.map((h) => [h.outcome, h.rating, h.topic]).sort()).toEqual([
        ['completed', null, 'payments'],
        ['no_show', null, 'retention'],
      ])
      expect(rows.find((h) => h.outcome === 'no_show')?.duration_min).toBe(0)
    } finally {
      ws.close()
    }
  })

  it('bad outcomes are invalid and leave the assignment open', async () => {
    const a = await route(44, ['FinTech'])
    const rated = await post<{ error: { code: string } }>(`${srv.url}/v1/complete`, { assignment_id: a.assignment_id, outcome: 'abandoned', rating: 3 })
    expect(rated.body.error.code).toBe('invalid')
    const unknown = await post<{ error: { code: string } }>(`${srv.url}/v1/complete`, { assignment_id: a.assignment_id, outcome: 'great' })
    expect(unknown.body.error.code).toBe('invalid')
    const ws = await RawWs.open(srv.wsUrl)
    try {
      const r = await ws.call<{ ok: boolean; error: { code: string } }>({ id: 1, type: 'complete', assignment_id: a.assignment_id, rating: 9 })
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid' } })
    } finally {
      ws.close()
    }
    expect(await liveHistory(44)).toEqual([])
    const done = await post<CompleteResult>(`${srv.url}/v1/complete`, { assignment_id: a.assignment_id, outcome: 'abandoned' })
    expect(done.body).toMatchObject({ outcome: 'abandoned' })
    expect((await liveHistory(44)).map((h) => h.outcome)).toEqual(['abandoned'])
  })
})
