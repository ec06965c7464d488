// The operator APIs the dashboard uses, against the real server in JWT mode: the `stats` stream
// (operator only), decision explain, weights history and rollback, with their typed refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DecisionExplanation, RouteResult, StatsEvent, Weights, WeightsVersion } from '../../client/protocol.ts'
import { signToken } from '../../server/auth/index.ts'
import { type Frame, get, post, RawWs, startServer, type ServerHandle } from './server.ts'

const SECRET = 'web-api-test-secret-0123456789'
let srv: ServerHandle
const tok: Record<string, string> = {}

beforeAll(async () => {
  tok.operator = await signToken(SECRET, { sub: 'ops-bob', role: 'operator' })
  tok.client = await signToken(SECRET, { sub: 'app-1', role: 'client' })
  tok.interviewer = await signToken(SECRET, { sub: '3', role: 'interviewer' })
  srv = await startServer({ env: { JWT_SECRET: SECRET } })
}, 120_000)
afterAll(() => srv?.dispose())

const route = async (over: Record<string, unknown> = {}) =>
  (await post<RouteResult>(`${srv.url}/v1/route`, { user_id: 5, topics: ['FinTech'], language: 'English', budget: 500, sensitivity: false, sla_min: 600, ...over }, tok.client)).body

describe('web APIs', () => {
  it('the stats stream pushes a window once a second to operators; other roles are forbidden', async () => {
    const ws = await RawWs.open(srv.wsUrl, tok.operator)
    expect((await ws.call({ id: 1, type: 'subscribe', stream: 'stats' })).ok).toBe(true)
    await route()
    const push = await ws.next<Frame & { event: StatsEvent }>((m) => m.type === 'event' && m.stream === 'stats' && (m.event as StatsEvent).outcomes.assigned > 0, 5000)
    expect(push.event).toMatchObject({ type: 'stats', window_s: expect.any(Number), queue: { interviewers: 100, held: 0 } })
    expect(push.event.latency_us.max).toBeGreaterThan(0)
    ws.ws.close()
    for (const t of [tok.client, tok.interviewer]) {
      const other = await RawWs.open(srv.wsUrl, t)
      const r = await other.call<{ ok: boolean; error: { code: string } }>({ id: 1, type: 'subscribe', stream: 'stats' })
      expect(r.error.code).toBe('forbidden')
      other.ws.close()
    }
  })

  it('explain answers won / filtered for a decision, and refuses bad input with typed errors', async () => {
    const r = await route()
    const won = await get<DecisionExplanation>(`${srv.url}/v1/decisions/${r.decision_id}/explain?interviewer_id=${r.interviewer_id}`, tok.operator)
    expect(won.status).toBe(200)
    expect(won.body.verdict).toBe('won')
    const state = (await get<{ interviewers: { interviewer_id: number; languages: string[] }[] }>(`${srv.url}/v1/state`, tok.operator)).body.interviewers
    const stranger = state.find((i) => !i.languages.includes('English'))!
    const no = await get<DecisionExplanation>(`${srv.url}/v1/decisions/${r.decision_id}/explain?interviewer_id=${stranger.interviewer_id}`, tok.operator)
    expect(no.body.verdict).toBe('filtered')
    expect(no.body.filters.find((f) => f.filter === 'language')?.passed).toBe(false)
    expect(no.body.unknown.length).toBeGreaterThan(0)

    const code = async (path: string, token = tok.operator) => {
      const res = await get<{ error: { code: string } }>(`${srv.url}${path}`, token)
      return [res.status, res.body.error?.code]
    }
    expect(await code(`/v1/decisions/${r.decision_id}/explain`)).toEqual([400, 'invalid'])
    expect(await code(`/v1/decisions/${r.decision_id}/explain?interviewer_id=x`)).toEqual([400, 'invalid'])
    expect(await code(`/v1/decisions/nope/explain?interviewer_id=1`)).toEqual([404, 'not_found'])
    expect(await code(`/v1/decisions/${r.decision_id}/explain?interviewer_id=999999`)).toEqual([404, 'not_found'])
    expect(await code(`/v1/decisions/${r.decision_id}/explain?interviewer_id=1`, tok.interviewer)).toEqual([403, 'forbidden'])
  })

  it('weights history records who and when; rollback makes an old version the next one', async () => {
    const a = (await post<Weights>(`${srv.url}/v1/admin/weights`, { topic: 4 }, tok.operator, 'PUT')).body
    const b = (await post<Weights>(`${srv.url}/v1/admin/weights`, { topic: 1.5 }, tok.operator, 'PUT')).body
    const h = (await get<{ versions: WeightsVersion[] }>(`${srv.url}/v1/admin/weights/history?limit=5`, tok.operator)).body.versions
    expect(h.map((v) => v.weights.version).slice(0, 2)).toEqual([b.version, a.version])
    expect(h[0]).toMatchObject({ created_by: 'ops-bob', weights: { topic: 1.5 } })
    expect(Number.isNaN(Date.parse(h[0].created_at))).toBe(false)
    const back = await post<Weights>(`${srv.url}/v1/admin/weights/rollback`, { version: a.version }, tok.operator)
    expect(back.body).toMatchObject({ version: b.version + 1, topic: 4 })
    expect((await route()).status).toBe('assigned')
    expect((await post(`${srv.url}/v1/admin/weights/rollback`, { version: 99_999 }, tok.operator)).status).toBe(404)
    expect((await post(`${srv.url}/v1/admin/weights/rollback`, { version: 'x' }, tok.operator)).status).toBe(400)
    expect((await post(`${srv.url}/v1/admin/weights/rollback`, { version: a.version }, tok.interviewer)).status).toBe(403)
    expect((await get(`${srv.url}/v1/admin/weights/history`, tok.client)).status).toBe(403)
  })
})
