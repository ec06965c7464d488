// Idempotent retry: a repeated request_id returns the first outcome and never books twice, over
// HTTP, over WebSocket, concurrently, and across reconnects.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InterviewerState, RouteResult, StateSnapshot } from '../../client/protocol.ts'
import { RawWs, get, post, startServer, type ServerHandle } from './server.ts'

let srv: ServerHandle
beforeAll(async () => {
  srv = await startServer()
})
afterAll(async () => {
  await srv?.dispose()
})

const body = (request_id: string) => ({ topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 11, request_id })
const totalQueue = async () => (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.totals.current_queue

describe('idempotency', () => {
  it('HTTP: the same request_id twice → the first outcome, one booking', async () => {
    const id = randomUUID()
    const q0 = await totalQueue()
    const a = await post<RouteResult>(`${srv.url}/v1/route`, body(id))
    const b = await post<RouteResult>(`${srv.url}/v1/route`, body(id))
    expect(a.body.status).toBe('assigned')
    expect(b.body).toMatchObject({ status: 'assigned', assignment_id: a.body.assignment_id, interviewer_id: a.body.interviewer_id })
    expect(await totalQueue()).toBe(q0 + 1)
    const iv = await get<InterviewerState>(`${srv.url}/v1/state/${a.body.interviewer_id}`)
    expect(iv.body.current_queue).toBe(a.body.current_queue)
  })

  it('WebSocket: 20 concurrent copies of one request_id book once', async () => {
    const id = randomUUID()
    const q0 = await totalQueue()
    const ws = await RawWs.open(srv.wsUrl)
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => ws.call<{ ok: boolean; result: RouteResult }>({ id: i, type: 'route', ...body(id) })))
    const ids = new Set(replies.map((r) => r.result.assignment_id))
    expect(ids.size).toBe(1)
    expect(replies[0].result.status).toBe('assigned')
    expect(await totalQueue()).toBe(q0 + 1)
    ws.close()
  })

  it('across reconnects and encodings: a retry on a new connection returns the first outcome', async () => {
    const id = randomUUID()
    const q0 = await totalQueue()
    const first = await RawWs.open(srv.wsUrl)
    const a = await first.call<{ result: RouteResult }>({ id: 1, type: 'route', ...body(id) }, 'msgpack')
    first.close()
    await first.closed
    const second = await RawWs.open(srv.wsUrl)
    const b = await second.call<{ result: RouteResult }>({ id: 1, type: 'route', ...body(id) })
    expect(b.result.assignment_id).toBe(a.result.assignment_id)
    expect(b.result.status).toBe(a.result.status)
    expect(await totalQueue()).toBe(q0 + 1)
    second.close()
  })
})
