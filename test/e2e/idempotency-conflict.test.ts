// A request_id reused with another body is refused with conflict (HTTP 422) over HTTP
// and WebSocket, against the real server; the same body replays the first outcome.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteResult } from '../../client/protocol.ts'
import { RawWs, post, startServer, type ServerHandle } from './server.ts'

const ROUTE = { user_id: 42, topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30 }

let srv: ServerHandle
beforeAll(async () => {
  srv = await startServer()
})
afterAll(async () => {
  await srv?.dispose()
})

describe('request_id with another body', () => {
  it('HTTP: 422 conflict, and the first outcome still replays', async () => {
    const first = await post<RouteResult>(`${srv.url}/v1/route`, { ...ROUTE, request_id: 'c-http' })
    expect(first.status).toBe(200)
    expect(first.body.decision_id).toEqual(expect.any(String))
    expect(await post(`${srv.url}/v1/route`, { ...ROUTE, user_id: 43, request_id: 'c-http' })).toMatchObject({ status: 422, body: { error: { code: 'conflict' } } })
    expect(await post(`${srv.url}/v1/route`, { ...ROUTE, request_id: 'c-http' })).toMatchObject({ status: 200, body: { decision_id: first.body.decision_id, replayed: true } })
  })

  it('WebSocket: conflict across connections; the same body replays', async () => {
    const a = await RawWs.open(srv.wsUrl)
    const b = await RawWs.open(srv.wsUrl)
    const first = await a.call<{ ok: boolean; result: RouteResult }>({ id: 1, type: 'route', ...ROUTE, request_id: 'c-ws' })
    expect(first.ok).toBe(true)
    expect(first.result.decision_id).toEqual(expect.any(String))
    expect(await b.call({ id: 2, type: 'route', ...ROUTE, budget: 5, request_id: 'c-ws' })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(await b.call({ id: 3, type: 'route', ...ROUTE, request_id: 'c-ws' })).toMatchObject({ ok: true, result: { decision_id: first.result.decision_id, replayed: true } })
    a.close()
    b.close()
  })
})
