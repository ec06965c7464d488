// Issue 17 regressions on credentials, against the real server in JWT mode: one token per request
// (item 3), canonical interviewer subjects (item 3), failed authentication limited per address and
// verified traffic per principal (item 4), and one answer for "not yours" and "does not exist" (item 5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteResult } from '../../client/protocol.ts'
import { signToken } from '../../server/auth/index.ts'
import { RawWs, get, post, startServer, upgradeStatus, type Frame, type ServerHandle } from './server.ts'

const SECRET = 'e2e-hardening-0123456789abcdef'
const ROUTE = { topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 42 }
const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

describe('credentials (JWT mode)', () => {
  let srv: ServerHandle
  const tok: Record<string, string> = {}
  beforeAll(async () => {
    srv = await startServer({ env: { JWT_SECRET: SECRET } })
    tok.client = await signToken(SECRET, { sub: 'app-1', role: 'client' })
    tok.client2 = await signToken(SECRET, { sub: 'app-2', role: 'client' })
    tok.operator = await signToken(SECRET, { sub: 'ops', role: 'operator' })
    tok.iv5 = await signToken(SECRET, { sub: '5', role: 'interviewer' })
  })
  afterAll(async () => {
    await srv?.dispose()
  })

  it('item 3: a WebSocket upgrade with two different tokens (header + ?token=) is refused with 401 unauthorized', async () => {
    // Before the fix the query token silently won: a header client with a query operator acted as the operator.
    const both = await upgradeStatus(`${srv.wsUrl}?token=${tok.operator}`, bearer(tok.client))
    expect(both).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } })
    expect((await upgradeStatus(`${srv.wsUrl}?token=${tok.operator}&token=${tok.client}`)).status).toBe(401)
    // One token, given twice or once, is fine.
    expect((await upgradeStatus(`${srv.wsUrl}?token=${tok.client}`, bearer(tok.client))).status).toBe(101)
    expect((await upgradeStatus(`${srv.wsUrl}?token=${tok.operator}`)).status).toBe(101)
  })

  it('item 3: HTTP follows the same rule: two different tokens → 401, one token in either place works', async () => {
    const r = await fetch(`${srv.url}/v1/stats?token=${tok.operator}`, { headers: bearer(tok.client) })
    expect(r.status).toBe(401)
    expect(await r.json()).toMatchObject({ error: { code: 'unauthorized' } })
    expect((await get(`${srv.url}/v1/stats?token=${tok.operator}`)).status).toBe(200)
    expect((await get(`${srv.url}/v1/stats`, tok.operator)).status).toBe(200)
  })

  it('item 3: interviewer subjects only in canonical decimal: 05 and 000000000000005 are refused, 5 works', async () => {
    for (const sub of ['05', '000000000000005']) {
      const t = await signToken(SECRET, { sub, role: 'interviewer' })
      expect((await post(`${srv.url}/v1/complete`, { interviewer_id: 5 }, t)).status, sub).toBe(401)
      expect((await upgradeStatus(srv.wsUrl, bearer(t))).status, sub).toBe(401)
    }
    const ws = await RawWs.open(srv.wsUrl, tok.iv5)
    expect(await ws.call({ id: 1, type: 'availability', interviewer_id: 5, availability: 'online' })).toMatchObject({ ok: true })
    ws.close()
  })

  /** An error reply with the assignment id masked, so "missing" and "not yours" can be compared. */
  const masked = (reply: Frame, id: string) => JSON.stringify(reply.error).replaceAll(id, '<id>')

  it('item 5: accept / reject / complete / cancel answer "not yours" exactly like "does not exist"', async () => {
    const client = await RawWs.open(srv.wsUrl, tok.client)
    const routed = (await client.call<{ result: RouteResult }>({ id: 'r', type: 'route', ...ROUTE, user_id: 77 })).result
    const real = routed.assignment_id!
    const fake = `${real.slice(0, -4)}zzzz`
    const stranger = routed.interviewer_id === 5 ? await signToken(SECRET, { sub: '6', role: 'interviewer' }) : tok.iv5
    const iv = await RawWs.open(srv.wsUrl, stranger)
    const other = await RawWs.open(srv.wsUrl, tok.client2)
    let n = 0
    const both = async (ws: RawWs, msg: Frame) => {
      const a = await ws.call({ ...msg, id: ++n, assignment_id: real })
      const b = await ws.call({ ...msg, id: ++n, assignment_id: fake })
      expect(a.ok, JSON.stringify(msg)).toBe(false)
      expect(masked(a, real), JSON.stringify(msg)).toBe(masked(b, fake))
      return a.error as { code: string }
    }
    // Another interviewer, on every verb that names an assignment.
    for (const type of ['accept', 'reject', 'complete']) expect(await both(iv, { type })).toMatchObject({ code: 'not_found' })
    expect(await both(iv, { type: 'complete', interviewer_id: Number(routed.interviewer_id === 5 ? 6 : 5) })).toMatchObject({ code: 'not_found' })
    // Another client cancelling; and a client trying a verb its role lacks (refused whatever the id).
    expect(await both(other, { type: 'cancel' })).toMatchObject({ code: 'not_found' })
    expect(await both(other, { type: 'accept' })).toMatchObject({ code: 'forbidden' })
    // HTTP complete by assignment_id is answered the same way.
    const h1 = await post<Frame>(`${srv.url}/v1/complete`, { assignment_id: real }, stranger)
    const h2 = await post<Frame>(`${srv.url}/v1/complete`, { assignment_id: fake }, stranger)
    expect([h1.status, h2.status]).toEqual([404, 404])
    expect(masked(h1.body, real)).toBe(masked(h2.body, fake))
    // The owner still can.
    expect(await client.call({ id: 'c', type: 'cancel', assignment_id: real })).toMatchObject({ ok: true, result: { status: 'cancelled' } })
    for (const ws of [client, iv, other]) ws.close()
  })
})

describe('rate limits keyed by what was verified (item 4)', () => {
  let srv: ServerHandle
  beforeAll(async () => {
    srv = await startServer({ env: { JWT_SECRET: SECRET, AUTH_FAIL_RPS: '1', AUTH_FAIL_BURST: '10', RATE_LIMIT_RPS: '1', RATE_LIMIT_BURST: '10' } })
  })
  afterAll(async () => {
    await srv?.dispose()
  })

  it('random tokens from one address get 401 until its failure budget is spent, then 429 with retry_after_ms', async () => {
    // Verified before the flood: its holder keeps working while the address is limited.
    const known = await signToken(SECRET, { sub: 'known', role: 'operator' })
    expect((await get(`${srv.url}/v1/state`, known)).status).toBe(200)
    const statuses: number[] = []
    let limited: { body: Frame; retryAfter: string | null } | null = null
    for (let i = 0; i < 40; i++) {
      // Before the fix these were keyed by the unverified token's last 24 characters: 40 × 401, never 429.
      const r = await fetch(`${srv.url}/v1/state`, { headers: bearer(`forged.${i}.${Math.random().toString(36).slice(2)}`) })
      statuses.push(r.status)
      if (r.status === 429) limited = { body: (await r.json()) as Frame, retryAfter: r.headers.get('retry-after') }
      else await r.text()
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401))
    expect(statuses).toContain(429)
    expect(limited?.body).toMatchObject({ error: { code: 'rate_limited', retry_after_ms: expect.any(Number) } })
    expect(Number(limited?.retryAfter)).toBeGreaterThanOrEqual(1)
    // WebSocket upgrades from the address are limited alike.
    expect((await upgradeStatus(srv.wsUrl, bearer('forged.again.x'))).status).toBe(429)
    expect((await get(`${srv.url}/v1/state`, known)).status).toBe(200)
    // A token never seen before waits like any other unverified one until the address cools down.
    const fresh = await signToken(SECRET, { sub: 'fresh', role: 'operator' })
    expect((await get(`${srv.url}/v1/state`, fresh)).status).toBe(429)
  })

  it('verified traffic is limited per principal: two tokens of one subject share a bucket, another subject has its own', async () => {
    const a1 = await signToken(SECRET, { sub: 'shared', role: 'client', ttlS: 3600 })
    const a2 = await signToken(SECRET, { sub: 'shared', role: 'client', ttlS: 7200 })
    const b = await signToken(SECRET, { sub: 'other', role: 'client' })
    expect(a1).not.toBe(a2)
    // These are valid tokens verified at once; the address's failure budget is not involved.
    await new Promise((r) => setTimeout(r, 1100))
    // 8 requests per token, all at once: within either token's own burst of 10, beyond their shared one.
    const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) => get(`${srv.url}/v1/state`, i % 2 ? a1 : a2).then((r) => r.status)))
    expect(statuses).toContain(429)
    expect(statuses).toContain(200)
    expect((await get(`${srv.url}/v1/state`, b)).status).toBe(200)
  })
})
