// Issue 17 item 1 against the real server in JWT mode: a WebSocket session closes at its token's exp
// with CLOSE_CODE.token_expired (pushes and bid requests stop with it), `auth` renews the token on a
// live session for the same principal only, and the SDK renews before exp and reconnects after 4004.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLOSE_CODE, type RouteResult, type StateSnapshot } from '../../client/protocol.ts'
import { connect } from '../../client/sdk/index.ts'
import { RouterError } from '../../client/errors.ts'
import { signToken } from '../../server/auth/index.ts'
import { RawWs, get, startServer, type Frame, type ServerHandle } from './server.ts'

const SECRET = 'e2e-session-0123456789abcdef'
const ROUTE = { topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30 }
/** Short-lived tokens: exp is in whole seconds, so a 6 s token lives 5–6 s. */
const SHORT_S = 6

/**
 * Sessions are set up on a long token and shortened with `auth` only once set up, so however
 * slow the machine, the session cannot expire before the behaviour under test is observed.
 */
async function shorten(ws: RawWs, sub: string, role: 'operator' | 'interviewer'): Promise<void> {
  expect(await ws.call({ id: 'short', type: 'auth', token: await signToken(SECRET, { sub, role, ttlS: SHORT_S }) })).toMatchObject({ ok: true })
}

let srv: ServerHandle
let operator: string
let driver: RawWs
let n = 0
beforeAll(async () => {
  srv = await startServer({ env: { JWT_SECRET: SECRET } })
  operator = await signToken(SECRET, { sub: 'driver', role: 'operator' })
  driver = await RawWs.open(srv.wsUrl, operator)
})
afterAll(async () => {
  driver?.close()
  await srv?.dispose()
})

const route = (extra: Frame = {}) => driver.call<{ ok: boolean; result: RouteResult }>({ id: `r${++n}`, type: 'route', ...ROUTE, user_id: 42, ...extra })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Keeps making decisions until the socket closes; resolves its close code. */
async function routeUntilClosed(ws: RawWs, extra: Frame = {}): Promise<number> {
  let code: number | null = null
  void ws.closed.then((c) => {
    code = c
  })
  for (let i = 0; i < 200 && code === null; i++) {
    const r = await route(extra)
    if (r.ok && r.result.assignment_id) await driver.call({ id: `c${++n}`, type: 'cancel', assignment_id: r.result.assignment_id })
    await sleep(100)
  }
  return ws.closed
}

describe('a session closes at its token exp', () => {
  it('an operator subscribed to decisions stops receiving them: the socket closes with token_expired', async () => {
    const ws = await RawWs.open(srv.wsUrl, await signToken(SECRET, { sub: 'short', role: 'operator', ttlS: 3600 }))
    expect(await ws.call({ id: 's', type: 'subscribe', stream: 'decisions' })).toMatchObject({ ok: true })
    await route()
    await ws.next((f) => f.type === 'event')
    await shorten(ws, 'short', 'operator')
    // Before the fix the session stayed open and kept receiving decision events after exp.
    expect(await routeUntilClosed(ws)).toBe(CLOSE_CODE.token_expired)
    const seen = ws.frames.length
    await route()
    expect(ws.frames.length).toBe(seen)
  })

  it('an interviewer bidding remotely stops receiving bid_request at exp, and routing goes on with local scores', async () => {
    // Bids are asked only of a host's top candidates, so pick the interviewer with the fewest rivals
    // for its own language, one topic and its cost as the budget: it is always among them.
    const all = (await get<StateSnapshot>(`${srv.url}/v1/state`, operator)).body.interviewers.filter((x) => x.availability === 'online')
    const rivals = (x: (typeof all)[number]) => all.filter((y) => y.languages.includes(x.languages[0]) && y.specializations.includes(x.specializations[0]) && y.cost <= x.cost).length
    const s = all.reduce((best, x) => (rivals(x) < rivals(best) ? x : best))
    expect(rivals(s)).toBeLessThanOrEqual(4)
    const ws = await RawWs.open(srv.wsUrl, await signToken(SECRET, { sub: String(s.interviewer_id), role: 'interviewer', ttlS: 3600 }))
    expect(await ws.call({ id: 'av', type: 'availability', interviewer_id: s.interviewer_id, availability: 'online', remote_bidding: true })).toMatchObject({ ok: true })
    const mine = { topics: [s.specializations[0]], language: s.languages[0], budget: s.cost, sla_min: 10_000 }
    // The bidder's announcement reaches the shard hosts over the bus, after the availability reply:
    // route until the first bid_request shows it has arrived.
    for (let i = 0; i < 50 && !ws.frames.some((f) => f.type === 'bid_request'); i++) {
      const r = await route(mine)
      if (r.ok && r.result.assignment_id) await driver.call({ id: `c${++n}`, type: 'cancel', assignment_id: r.result.assignment_id })
      await sleep(100)
    }
    await ws.next((f) => f.type === 'bid_request')
    await shorten(ws, String(s.interviewer_id), 'interviewer')
    expect(await routeUntilClosed(ws, mine)).toBe(CLOSE_CODE.token_expired)
    const r = await route(mine)
    expect(r.ok).toBe(true)
  })

  it('auth renews the token on a live session (the timer re-arms); another subject or role is forbidden, a bad token unauthorized', async () => {
    const short = await signToken(SECRET, { sub: '4', role: 'interviewer', ttlS: SHORT_S })
    const ws = await RawWs.open(srv.wsUrl, short)
    const exp = JSON.parse(Buffer.from(short.split('.')[1], 'base64url').toString()).exp as number
    expect(await ws.call({ id: 1, type: 'auth', token: await signToken(SECRET, { sub: '5', role: 'interviewer' }) })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ws.call({ id: 2, type: 'auth', token: await signToken(SECRET, { sub: '4', role: 'operator' }) })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await ws.call({ id: 3, type: 'auth', token: 'not.a.jwt' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    const long = await signToken(SECRET, { sub: '4', role: 'interviewer', ttlS: 3600 })
    expect(await ws.call({ id: 4, type: 'auth', token: long })).toMatchObject({ ok: true, result: { sub: '4', role: 'interviewer', exp: expect.any(Number) } })
    // Past the first token's exp the session is still open and still acts for interviewer 4.
    await sleep(Math.max(0, exp * 1000 - Date.now()) + 1000)
    expect(await ws.call({ id: 5, type: 'availability', interviewer_id: 4, availability: 'online' })).toMatchObject({ ok: true })
    expect(ws.closeCode).toBeNull()
    ws.close()
  })
})

describe('SDK token provider', () => {
  it('renews with auth before exp: one connection outlives several short tokens', async () => {
    let minted = 0
    const provider = () => {
      minted++
      return signToken(SECRET, { sub: 'sdk', role: 'client', ttlS: 6 })
    }
    const c = await connect(srv.wsUrl, { token: provider })
    const closes: number[] = []
    c.on('close', (code) => closes.push(code))
    await sleep(8000)
    expect(await c.ping()).toMatchObject({ pong: true })
    expect(minted).toBeGreaterThanOrEqual(2)
    expect(closes).toEqual([])
    c.close()
  })

  it('after a token_expired close it reconnects with a fresh token from the provider; a fixed expired token ends with unauthorized', async () => {
    let calls = 0
    const provider = async () => {
      calls++
      // First token short; the renewal attempt fails; the reconnect gets a good token.
      if (calls === 1) return signToken(SECRET, { sub: 'sdk2', role: 'client', ttlS: SHORT_S })
      if (calls === 2) throw new Error('identity service down')
      return signToken(SECRET, { sub: 'sdk2', role: 'client', ttlS: 3600 })
    }
    const c = await connect(srv.wsUrl, { token: provider, reconnect: { initialMs: 50, maxMs: 200 } })
    const errors: RouterError[] = []
    c.on('error', (e) => errors.push(e))
    const closed = new Promise<number>((r) => c.once('close', (code) => r(code)))
    const reopened = new Promise<void>((r) => c.once('open', () => r()))
    expect(await closed).toBe(CLOSE_CODE.token_expired)
    await reopened
    expect(await c.ping()).toMatchObject({ pong: true })
    expect(calls).toBe(3)
    expect(errors.some((e) => e.code === 'unauthorized')).toBe(true)
    c.close()

    const fixed = await connect(srv.wsUrl, { token: await signToken(SECRET, { sub: 'sdk3', role: 'client', ttlS: SHORT_S }), reconnect: { initialMs: 50, maxMs: 200 } })
    const codes: number[] = []
    fixed.on('close', (code) => codes.push(code))
    await new Promise<void>((r) => fixed.on('close', () => codes.length >= 2 && r()))
    expect(codes).toEqual([CLOSE_CODE.token_expired, CLOSE_CODE.unauthorized])
    await expect(fixed.ping()).rejects.toBeInstanceOf(RouterError)
  })
})
