// The auth matrix against the real server with JWT_SECRET set: each role × each HTTP verb and
// WebSocket message type, plus missing, forged, expired and wrong-role tokens.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { signToken } from '../../server/auth/index.ts'
import type { RouteResult } from '../../client/protocol.ts'
import { RawWs, get, post, startServer, type Frame, type ServerHandle } from './server.ts'

const SECRET = 'e2e-secret-0123456789abcdef'
const OWN = 3
let srv: ServerHandle
const tok: Record<string, string> = {}

beforeAll(async () => {
  srv = await startServer({ env: { JWT_SECRET: SECRET } })
  tok.client = await signToken(SECRET, { sub: 'app-1', role: 'client' })
  tok.client2 = await signToken(SECRET, { sub: 'app-2', role: 'client' })
  tok.interviewer = await signToken(SECRET, { sub: String(OWN), role: 'interviewer' })
  tok.operator = await signToken(SECRET, { sub: 'ops', role: 'operator' })
  tok.expired = await signToken(SECRET, { sub: 'ops', role: 'operator', ttlS: -120 })
  tok.forged = await signToken('another-secret-0123456789', { sub: 'ops', role: 'operator' })
})
afterAll(async () => {
  await srv?.dispose()
})

const ROUTE = { topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 42 }
type Who = 'client' | 'interviewer' | 'operator'
const ALL: Who[] = ['client', 'interviewer', 'operator']

// [method, path, body, roles allowed]
const HTTP: [string, string, unknown, Who[]][] = [
  ['POST', '/v1/route', ROUTE, ['client', 'operator']],
  ['POST', '/v1/route/batch', { requests: [ROUTE] }, ['client', 'operator']],
  ['POST', '/v1/complete', { interviewer_id: OWN }, ['interviewer', 'operator']],
  ['GET', '/v1/state', null, ALL],
  ['GET', `/v1/state/${OWN}`, null, ALL],
  ['GET', '/v1/interviewers', null, ALL],
  ['POST', '/v1/admin/reload', {}, ['operator']],
  ['POST', '/v1/admin/reset_queues', {}, ['operator']],
  ['GET', '/v1/admin/weights', null, ['operator']],
  ['PUT', '/v1/admin/weights', { fairness: 0.2 }, ['operator']],
  ['GET', '/v1/users?limit=2', null, ['operator']],
  ['GET', '/v1/users/42', null, ['operator']],
  ['GET', '/v1/decisions', null, ['operator']],
  ['GET', '/v1/stats', null, ['operator']],
]

async function call(method: string, path: string, body: unknown, token?: string) {
  return method === 'GET' ? get(`${srv.url}${path}`, token) : post(`${srv.url}${path}`, body, token, method)
}

describe('HTTP auth matrix', () => {
  for (const [method, path, body, allowed] of HTTP) {
    for (const role of ALL) {
      const ok = allowed.includes(role)
      it(`${role} ${method} ${path} → ${ok ? 'allowed' : 'forbidden'}`, async () => {
        const r = await call(method, path, body, tok[role])
        if (ok) expect([401, 403]).not.toContain(r.status)
        else expect(r).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } })
      })
    }
    it(`no token ${method} ${path} → unauthorized`, async () => {
      const r = await call(method, path, body)
      expect(r).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } })
    })
  }

  it.each(['expired', 'forged'])('%s token → unauthorized', async (which) => {
    const r = await call('GET', '/v1/state', null, tok[which])
    expect(r).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } })
  })

  it('garbage bearer → unauthorized', async () => {
    expect((await call('GET', '/v1/state', null, 'not.a.jwt')).status).toBe(401)
  })

  it('interviewer may complete only its own interviewer', async () => {
    const r = await call('POST', '/v1/complete', { interviewer_id: OWN + 1 }, tok.interviewer)
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } })
  })

  it('healthz and metrics need no token', async () => {
    expect((await get(`${srv.url}/healthz`)).status).toBe(200)
    expect((await get(`${srv.url}/metrics`)).status).toBe(200)
  })
})

function refused(token?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(srv.wsUrl, token ? { headers: { authorization: `Bearer ${token}` } } : {})
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.on('open', () => {
      resolve(101)
      ws.close()
    })
    ws.on('error', () => {})
  })
}

describe('WebSocket auth matrix', () => {
  it('upgrade without, with expired or forged token → 401; ?token= works', async () => {
    expect(await refused()).toBe(401)
    expect(await refused(tok.expired)).toBe(401)
    expect(await refused(tok.forged)).toBe(401)
    const ws = await RawWs.open(`${srv.wsUrl}?token=${tok.client}`)
    expect(await ws.call({ id: 1, type: 'ping' })).toMatchObject({ re: 1, ok: true })
    ws.close()
  })

  // [message, roles allowed]; "allowed" = anything but unauthorized/forbidden.
  const WS: [Frame, Who[]][] = [
    [{ type: 'route', ...ROUTE }, ['client', 'operator']],
    [{ type: 'state' }, ALL],
    [{ type: 'state', interviewer_id: OWN }, ALL],
    [{ type: 'ping' }, ALL],
    [{ type: 'complete', interviewer_id: OWN }, ['interviewer', 'operator']],
    [{ type: 'complete', interviewer_id: OWN + 1 }, ['operator']],
    [{ type: 'subscribe', stream: 'decisions' }, ['operator']],
    [{ type: 'subscribe', stream: 'assignments', interviewer_id: OWN }, ALL],
    [{ type: 'subscribe', stream: 'assignments', interviewer_id: OWN + 1 }, ['client', 'operator']],
    [{ type: 'availability', interviewer_id: OWN, availability: 'online' }, ['interviewer', 'operator']],
    [{ type: 'availability', interviewer_id: OWN + 1, availability: 'online' }, ['operator']],
    [{ type: 'bid', bid_id: 'nope', score: 1 }, ['interviewer', 'operator']],
  ]

  for (const role of ALL) {
    it(`${role}: every message type`, async () => {
      const ws = await RawWs.open(srv.wsUrl, tok[role])
      let n = 0
      for (const [msg, allowed] of WS) {
        const reply = await ws.call<{ ok: boolean; error?: { code: string } }>({ ...msg, id: ++n })
        const label = `${role} ${JSON.stringify(msg)}`
        if (allowed.includes(role)) expect(['unauthorized', 'forbidden'], label).not.toContain(reply.error?.code)
        else expect(reply, label).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      }
      ws.close()
    })
  }

  it('a client may cancel only assignments its own routes created; interviewers cannot accept others (both answered as no such assignment)', async () => {
    const a = await RawWs.open(srv.wsUrl, tok.client)
    const b = await RawWs.open(srv.wsUrl, tok.client2)
    const routed = await a.call<{ result: RouteResult }>({ id: 1, type: 'route', ...ROUTE, user_id: 9 })
    const id = routed.result.assignment_id
    expect(id).toBeTruthy()
    expect(await b.call({ id: 2, type: 'cancel', assignment_id: id })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const iv = await RawWs.open(srv.wsUrl, tok.interviewer)
    if (routed.result.interviewer_id !== OWN) {
      expect(await iv.call({ id: 3, type: 'accept', assignment_id: id })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    }
    expect(await a.call({ id: 4, type: 'cancel', assignment_id: id })).toMatchObject({ ok: true, result: { status: 'cancelled' } })
    for (const ws of [a, b, iv]) ws.close()
  })
})

describe('push streams by role', () => {
  it('a client sees assignment events of its own routes only; an interviewer of its own interviewer only', async () => {
    const a = await RawWs.open(srv.wsUrl, tok.client)
    const b = await RawWs.open(srv.wsUrl, tok.client2)
    expect(await a.call({ id: 's', type: 'subscribe', stream: 'assignments' })).toMatchObject({ ok: true })
    const theirs = (await b.call<{ result: RouteResult }>({ id: 1, type: 'route', ...ROUTE, user_id: 31 })).result
    const mine = (await a.call<{ result: RouteResult }>({ id: 2, type: 'route', ...ROUTE, user_id: 32 })).result
    expect(theirs.assignment_id && mine.assignment_id).toBeTruthy()
    // Events arrive in order, so once ours is here, theirs (earlier) would have been too.
    await a.next((f) => f.type === 'event' && (f.event as { assignment_id: string }).assignment_id === mine.assignment_id)
    const seen = a.frames.filter((f) => f.type === 'event').map((f) => (f.event as { assignment_id: string }).assignment_id)
    expect(seen).not.toContain(theirs.assignment_id)
    expect(await a.call({ id: 'u', type: 'unsubscribe', stream: 'assignments' })).toMatchObject({ ok: true })

    const iv = await RawWs.open(srv.wsUrl, tok.interviewer)
    expect(await iv.call({ id: 's', type: 'subscribe', stream: 'assignments' })).toMatchObject({ ok: true, result: { interviewer_id: null } })
    const op = await RawWs.open(srv.wsUrl, tok.operator)
    expect(await op.call({ id: 'd', type: 'subscribe', stream: 'decisions' })).toMatchObject({ ok: true })
    const r = (await op.call<{ result: RouteResult }>({ id: 3, type: 'route', ...ROUTE, user_id: 33 })).result
    await op.next((f) => f.type === 'event' && f.stream === 'decisions' && (f.event as { user_id: number }).user_id === 33)
    const ownEvents = iv.frames.filter((f) => f.type === 'event').map((f) => (f.event as { interviewer_id: number }).interviewer_id)
    for (const id of ownEvents) expect(id).toBe(OWN)
    void r
    for (const ws of [a, b, iv, op]) ws.close()
  })
})

describe('token CLI', () => {
  it('mints a token the server accepts, and refuses without JWT_SECRET', async () => {
    const run = promisify(execFile)
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/auth/token-cli.ts', '--role', 'operator', '--sub', 'me', '--ttl', '5m'], {
      env: { PATH: process.env.PATH, JWT_SECRET: SECRET },
    })
    const r = await get(`${srv.url}/v1/stats`, stdout.trim())
    expect(r.status).toBe(200)
    await expect(run(process.execPath, ['--import', 'tsx', 'server/auth/token-cli.ts', '--role', 'operator', '--sub', 'me'], { env: { PATH: process.env.PATH } })).rejects.toMatchObject({ code: 2 })
  })
})
