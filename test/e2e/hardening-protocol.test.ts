// Issue 17 regressions on the protocol, against the real server: complete with both ids (item 2),
// unguessable assignment ids (item 5), the budget bound, the outcome filter and WebSocket close
// codes for oversized frames and invalid UTF-8 (item 6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InterviewerState, RouteResult, StateSnapshot } from '../../client/protocol.ts'
import { BUDGET_MAX } from '../../client/schemas.ts'
import { RawWs, get, post, startServer, type ServerHandle } from './server.ts'

const ROUTE = { topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30 }
const LIMIT = 64 * 1024

let srv: ServerHandle
beforeAll(async () => {
  srv = await startServer({ env: { MAX_PAYLOAD_BYTES: String(LIMIT) } })
})
afterAll(async () => {
  await srv?.dispose()
})

describe('item 6: bounds and own-property checks', () => {
  it('a budget above BUDGET_MAX (1e308 included) is invalid on HTTP and WebSocket; BUDGET_MAX itself routes', async () => {
    for (const budget of [1e308, BUDGET_MAX * 10]) {
      expect(await post(`${srv.url}/v1/route`, { ...ROUTE, user_id: 42, budget })).toMatchObject({ status: 400, body: { error: { code: 'invalid', path: '/budget' } } })
    }
    const ws = await RawWs.open(srv.wsUrl)
    expect(await ws.call({ id: 1, type: 'route', ...ROUTE, user_id: 42, budget: 1e308 })).toMatchObject({ ok: false, error: { code: 'invalid', path: '/budget' } })
    ws.close()
    expect((await post<RouteResult>(`${srv.url}/v1/route`, { ...ROUTE, user_id: 42, budget: BUDGET_MAX })).status).toBe(200)
  })

  it('outcome filters naming inherited properties (constructor, __proto__, toString) are invalid; real ones work', async () => {
    for (const outcome of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(await get(`${srv.url}/v1/decisions?outcome=${outcome}`), outcome).toMatchObject({ status: 400, body: { error: { code: 'invalid', path: '/outcome' } } })
    }
    expect((await get(`${srv.url}/v1/decisions?outcome=assigned`)).status).toBe(200)
  })

  it('a frame over MAX_PAYLOAD_BYTES gets a too_large error and close code 1009; the server carries on', async () => {
    const ws = await RawWs.open(srv.wsUrl)
    ws.ws.send('x'.repeat(LIMIT + 1024))
    expect(await ws.closed).toBe(1009)
    expect(ws.frames.at(-1)).toMatchObject({ ok: false, error: { code: 'too_large' } })
    const again = await RawWs.open(srv.wsUrl)
    expect(await again.call({ id: 1, type: 'ping' })).toMatchObject({ ok: true })
    again.close()
  })

  // Pinned uWebSockets.js behaviour (see docs/gateway.md "Security model"): uWS refuses these itself,
  // with a bare TCP close (its forceClose sends no close frame) before the application sees a byte.
  it('pinned: a frame over twice the limit, and invalid UTF-8 in a text frame, are cut by uWS without a close frame (1006)', async () => {
    const big = await RawWs.open(srv.wsUrl)
    big.ws.send('x'.repeat(2 * LIMIT + 1024))
    expect(await big.closed).toBe(1006)
    const utf8 = await RawWs.open(srv.wsUrl)
    utf8.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })
    expect(await utf8.closed).toBe(1006)
    expect((await get(`${srv.url}/healthz`)).status).toBe(200)
  })
})

describe('item 5: assignment ids cannot be derived from one another', () => {
  it('consecutive ids differ in most characters of their random part; a neighbour guessed from one is not found', async () => {
    const ids: string[] = []
    for (let i = 0; i < 10; i++) {
      const r = (await post<RouteResult>(`${srv.url}/v1/route`, { ...ROUTE, user_id: 100 + i })).body
      if (r.assignment_id) ids.push(r.assignment_id)
    }
    expect(ids.length).toBeGreaterThanOrEqual(5)
    for (let i = 1; i < ids.length; i++) {
      const [a, b] = [ids[i - 1].slice(-24), ids[i].slice(-24)]
      let differ = 0
      for (let k = 0; k < 24; k++) if (a[k] !== b[k]) differ++
      // A counter (the old scheme) changes one or two characters between neighbours.
      expect(differ, `${ids[i - 1]} → ${ids[i]}`).toBeGreaterThanOrEqual(12)
    }
    const last = ids.at(-1)!
    const guess = last.slice(0, -1) + (last.at(-1) === 'A' ? 'B' : 'A')
    expect(await post(`${srv.url}/v1/cancel`, { assignment_id: guess })).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } })
    for (const id of ids) await post(`${srv.url}/v1/cancel`, { assignment_id: id })
  })
})

describe('item 2: complete with both ids, one rule on HTTP and WebSocket', () => {
  it('assignment_id wins (not the oldest), and it must belong to the interviewer_id given with it', async () => {
    const all = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.interviewers
    const target = all.find((s) => s.concurrency >= 2 && s.availability === 'online' && s.current_queue === 0)!
    expect(target).toBeDefined()
    const others = all.filter((s) => s.interviewer_id !== target.interviewer_id && s.availability === 'online')
    const op = await RawWs.open(srv.wsUrl)
    // Only the target may take routes, so two active assignments land on it.
    const set = (list: InterviewerState[], availability: string) =>
      Promise.all(list.map((s, i) => op.call({ id: `${availability}-${i}`, type: 'availability', interviewer_id: s.interviewer_id, availability })))
    await set(others, 'offline')
    try {
      const req = { topics: target.specializations, language: target.languages[0], budget: target.cost, sensitivity: false, sla_min: 10_000 }
      const ids: string[] = []
      for (let i = 0; i < 3; i++) {
        const r = (await post<RouteResult>(`${srv.url}/v1/route`, { ...req, user_id: 200 + i })).body
        expect(r).toMatchObject({ status: 'assigned', interviewer_id: target.interviewer_id })
        ids.push(r.assignment_id!)
      }
      const other = others[0].interviewer_id
      // Before the fix HTTP completed the interviewer's oldest assignment here, whatever assignment_id said.
      expect(await post(`${srv.url}/v1/complete`, { interviewer_id: other, assignment_id: ids[1] })).toMatchObject({ status: 400, body: { error: { code: 'invalid', path: '/interviewer_id' } } })
      expect(await post(`${srv.url}/v1/complete`, { interviewer_id: target.interviewer_id, assignment_id: ids[1] })).toMatchObject({
        status: 200,
        body: { status: 'completed', assignment_id: ids[1], interviewer_id: target.interviewer_id },
      })
      // The WebSocket follows the same rule.
      expect(await op.call({ id: 'w1', type: 'complete', interviewer_id: other, assignment_id: ids[0] })).toMatchObject({ ok: false, error: { code: 'invalid' } })
      expect(await op.call({ id: 'w2', type: 'complete', interviewer_id: target.interviewer_id, assignment_id: ids[0] })).toMatchObject({ ok: true, result: { assignment_id: ids[0] } })
      const left = (await get<InterviewerState>(`${srv.url}/v1/state/${target.interviewer_id}`)).body
      expect(left.current_queue).toBe(1)
      await post(`${srv.url}/v1/cancel`, { assignment_id: ids[2] })
    } finally {
      await set(others, 'online')
      op.close()
    }
  })
})
