// The Terac demo's curl scenarios against the real server process, with the demo's request bodies.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompleteResult } from '../../actors/engine.ts'
import type { HealthReport, InterviewerState, RouteResult, StateSnapshot } from '../../client/protocol.ts'
import { RawWs, get, post, startServer, type ServerHandle } from './server.ts'

let srv: ServerHandle
beforeAll(async () => {
  srv = await startServer()
})
afterAll(async () => {
  await srv?.dispose()
})

const route = (body: unknown) => post<RouteResult>(`${srv.url}/v1/route`, body)

describe('demo scenarios', () => {
  it('healthz reports dependencies without a token', async () => {
    const r = await get<HealthReport>(`${srv.url}/healthz`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'ok', store: { ok: true }, auth: 'open', uws: 'native' })
  })

  it('happy path: English, budget fits, known user → assigned with the demo shape', async () => {
    const r = await route({ topics: ['FinTech', 'Chargebacks'], language: 'English', budget: 75.0, sensitivity: false, sla_min: 30, user_id: 42 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'assigned', user_id: 42 })
    expect(typeof r.body.interviewer_id).toBe('number')
    expect(typeof r.body.score).toBe('number')
    expect(r.body.current_queue).toBeGreaterThanOrEqual(1)
    const one = await get<InterviewerState>(`${srv.url}/v1/state/${r.body.interviewer_id}`)
    expect(one.status).toBe(200)
    expect(one.body.interviewer_id).toBe(r.body.interviewer_id)
    expect(one.body.current_queue).toBeGreaterThanOrEqual(1)
  })

  it('unknown user → user_not_found', async () => {
    const r = await route({ topics: ['FinTech'], language: 'English', budget: 50, sensitivity: false, sla_min: 20, user_id: 99999 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'user_not_found', user_id: 99999 })
  })

  it('unsupported language (Klingon) → no_candidates', async () => {
    const r = await route({ topics: ['FinTech'], language: 'Klingon', budget: 50, sensitivity: false, sla_min: 20, user_id: 42 })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'no_candidates', user_id: 42 })
  })

  it('sequential burst of 10: every reply is a routing outcome', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await route({ topics: ['pricing', 'retention'], language: 'English', budget: 80, sensitivity: false, sla_min: 25, user_id: 42 })
      expect(r.status).toBe(200)
      expect(['assigned', 'queued', 'at_capacity', 'no_candidates']).toContain(r.body.status)
    }
  })

  it('concurrent burst of 20: no interviewer exceeds capacity, and the state adds up', async () => {
    const before = await get<StateSnapshot>(`${srv.url}/v1/state`)
    const body = { topics: ['payments', 'pricing'], language: 'English', budget: 100, sensitivity: false, sla_min: 20, user_id: 42 }
    const replies = await Promise.all(Array.from({ length: 20 }, () => route(body)))
    for (const r of replies) expect(r.status).toBe(200)
    const assigned = replies.filter((r) => r.body.status === 'assigned').length
    expect(assigned).toBeGreaterThan(0)
    const after = await get<StateSnapshot>(`${srv.url}/v1/state`)
    expect(after.status).toBe(200)
    for (const s of after.body.interviewers) expect(s.current_queue).toBeLessThanOrEqual(s.capacity)
    expect(after.body.totals.current_queue - before.body.totals.current_queue).toBe(assigned)
  })

  it('complete decrements the queue', async () => {
    const r = await route({ topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 7 })
    expect(r.body.status).toBe('assigned')
    const id = r.body.interviewer_id!
    const before = (await get<InterviewerState>(`${srv.url}/v1/state/${id}`)).body.current_queue
    const c = await post<CompleteResult>(`${srv.url}/v1/complete`, { interviewer_id: id })
    expect(c.status).toBe(200)
    expect(c.body).toMatchObject({ status: 'completed', interviewer_id: id, current_queue: before - 1 })
    expect((await get<InterviewerState>(`${srv.url}/v1/state/${id}`)).body.current_queue).toBe(before - 1)
  })

  it('admin helpers: reload and reset_queues', async () => {
    const reload = await post(`${srv.url}/v1/admin/reload`, {})
    expect(reload.status).toBe(200)
    const reset = await post<{ cleared: number }>(`${srv.url}/v1/admin/reset_queues`, {})
    expect(reset.status).toBe(200)
    expect(typeof reset.body.cleared).toBe('number')
    const state = await get<StateSnapshot>(`${srv.url}/v1/state`)
    expect(state.body.totals.current_queue).toBe(0)
  })

  it('listings: users (page/limit/search), one user, interviewers, stats, decisions, metrics', async () => {
    const users = await get<{ items: { id: number }[]; total: number }>(`${srv.url}/v1/users?page=1&limit=5`)
    expect(users.status).toBe(200)
    expect(users.body.items).toHaveLength(5)
    expect(users.body.total).toBeGreaterThanOrEqual(1000)
    expect((await get(`${srv.url}/v1/users/42`)).body).toMatchObject({ id: 42 })
    expect((await get(`${srv.url}/v1/users/99999`)).status).toBe(404)
    expect((await get(`${srv.url}/v1/users?limit=0`)).status).toBe(400)
    const ivs = await get<{ interviewers: unknown[] }>(`${srv.url}/v1/interviewers`)
    expect(ivs.body.interviewers.length).toBeGreaterThan(0)
    expect((await get(`${srv.url}/v1/stats`)).status).toBe(200)
    expect((await get(`${srv.url}/v1/decisions?limit=5`)).status).toBe(200)
    const metrics = await get<string>(`${srv.url}/metrics`)
    expect(metrics.body).toContain('router_http_requests_total')
    expect(metrics.body).toMatch(/router_engine_decisions_total [1-9]/)
    // The embedded store's thread has executed the seed and these routes' commits.
    expect(Number(/^router_store_thread_busy_seconds_total ([\d.]+)$/m.exec(metrics.body)?.[1])).toBeGreaterThan(0)
    expect(Number(/^router_event_loop_busy_seconds_total ([\d.]+)$/m.exec(metrics.body)?.[1])).toBeGreaterThan(0)
    expect((await get(`${srv.url}/v1/nope`)).status).toBe(404)
    expect((await get(`${srv.url}/v1/state/100000`)).status).toBe(404)
  })

  it('weights: read and patch', async () => {
    const w = await get<{ version: number; topic: number }>(`${srv.url}/v1/admin/weights`)
    expect(w.status).toBe(200)
    const put = await post<{ version: number; topic: number }>(`${srv.url}/v1/admin/weights`, { topic: 2 }, undefined, 'PUT')
    expect(put.status).toBe(200)
    expect(put.body.topic).toBe(2)
    expect(put.body.version).toBeGreaterThan(w.body.version)
    expect((await post(`${srv.url}/v1/admin/weights`, { bogus: 1 }, undefined, 'PUT')).status).toBe(400)
  })

  it('route/batch answers one result per request', async () => {
    const one = { topics: ['FinTech'], language: 'English', budget: 80, sensitivity: false, sla_min: 30, user_id: 5 }
    const r = await post<{ results: RouteResult[] }>(`${srv.url}/v1/route/batch`, { requests: [one, { ...one, language: 'Klingon' }] })
    expect(r.status).toBe(200)
    expect(r.body.results.map((x) => x.status)).toEqual([expect.any(String), 'no_candidates'])
  })

  it('CLI: route prints the RouteResult, state prints the queues', async () => {
    const run = promisify(execFile)
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'client/cli.ts', ...args, '--url', srv.wsUrl], { env: { PATH: process.env.PATH } })
    const routed = JSON.parse((await cli('route', '--user', '42', '--topics', 'FinTech', '--language', 'English', '--budget', '75', '--sla', '30')).stdout) as RouteResult
    expect(routed).toMatchObject({ status: 'assigned', user_id: 42 })
    const one = await cli('state', '--id', String(routed.interviewer_id), '--json')
    expect(JSON.parse(one.stdout)).toMatchObject({ interviewer_id: routed.interviewer_id })
    expect((await cli('state')).stdout).toMatch(/total: \d+ interviewers/)
    await expect(cli('route', '--user', 'x')).rejects.toMatchObject({ code: 1 })
  })

  it('SIGTERM: answers what it accepted, closes sockets with server_shutdown, exits 0', async () => {
    const ws = await RawWs.open(srv.wsUrl)
    const body = { type: 'route', topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 3 }
    const first = ws.call({ id: 'first', ...body })
    await first
    for (let i = 0; i < 20; i++) ws.send({ id: i, ...body })
    await ws.next((m) => m.re === 0)
    const code = await srv.stop('SIGTERM')
    expect(code).toBe(0)
    expect(await ws.closed).toBe(4003)
    // Every request the server read before the signal got its reply before the close.
    const replies = ws.frames.filter((f) => typeof f.re === 'number')
    expect(replies.length).toBeGreaterThan(0)
    for (const r of replies) expect(r.ok === true || (r.error as { code: string }).code === 'unavailable').toBe(true)
  })
})
