// Limits against the real server: per-token rate limiting with a retry hint (WS and HTTP), a
// sustained flood closed with CLOSE_CODE.rate_limited, the in-flight bound, and a slow reader
// whose pushes are dropped and counted rather than buffered without bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLOSE_CODE, type StateSnapshot } from '../../client/protocol.ts'
import { connect } from '../../client/sdk/index.ts'
import { RouterError } from '../../client/errors.ts'
import { RawWs, get, startServer, type Frame, type ServerHandle } from './server.ts'

const ROUTE = { type: 'route', topics: ['FinTech'], language: 'Klingon', budget: 80, sensitivity: false, sla_min: 30, user_id: 42 }

describe('rate limits', () => {
  let srv: ServerHandle
  beforeAll(async () => {
    srv = await startServer({ env: { RATE_LIMIT_RPS: '2', RATE_LIMIT_BURST: '5' } })
  })
  afterAll(async () => {
    await srv?.dispose()
  })

  it('WebSocket: frames past the burst get rate_limited with retry_after_ms; the connection survives', async () => {
    const ws = await RawWs.open(srv.wsUrl)
    for (let i = 0; i < 20; i++) ws.send({ id: i, type: 'ping' })
    await ws.next(() => ws.frames.length >= 20)
    const limited = ws.frames.filter((f) => f.ok === false)
    expect(limited.length).toBeGreaterThanOrEqual(10)
    // Small frames are still read for their id, so a client can tell which request was refused.
    for (const f of limited) expect(f).toMatchObject({ re: expect.any(Number), error: { code: 'rate_limited', retry_after_ms: expect.any(Number) } })
    expect(ws.closeCode).toBeNull()
    ws.close()
  })

  it('WebSocket: a sustained flood is closed with CLOSE_CODE.rate_limited', async () => {
    const ws = await RawWs.open(srv.wsUrl)
    for (let i = 0; i < 400; i++) ws.send({ id: i, type: 'ping' })
    expect(await ws.closed).toBe(CLOSE_CODE.rate_limited)
  })

  it('SDK: routes refused with rate_limited are retried after the hint until they succeed', async () => {
    const c = await connect(srv.wsUrl, { encoding: 'msgpack' })
    const results = []
    for (let i = 0; i < 8; i++) results.push(await c.route({ topics: ['FinTech'], language: 'Klingon', budget: 80, sensitivity: false, sla_min: 30, user_id: 42 + i }))
    expect(results.map((r) => r.status)).toEqual(Array(8).fill('no_candidates'))
    const none = await connect(srv.wsUrl, { routeRetries: 0 })
    const klingon = { topics: ['FinTech'], language: 'Klingon', budget: 80, sensitivity: false, sla_min: 30, user_id: 42 }
    const errors = await Promise.all(
      Array.from({ length: 10 }, () =>
        none.route(klingon).then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    )
    expect(errors.some((e) => e instanceof RouterError && e.code === 'rate_limited')).toBe(true)
    c.close()
    none.close()
  })

  it('HTTP: 429 rate_limited with Retry-After', async () => {
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 15; i++) {
      const r = await fetch(`${srv.url}/v1/state`, { headers: { authorization: 'Bearer same-token-for-all' } })
      statuses.push(r.status)
      if (r.status === 429) {
        retryAfter = r.headers.get('retry-after')
        expect(await r.json()).toMatchObject({ error: { code: 'rate_limited' } })
      } else await r.text()
    }
    expect(statuses).toContain(429)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
  })
})

describe('in-flight bound', () => {
  let srv: ServerHandle
  beforeAll(async () => {
    srv = await startServer({ env: { MAX_INFLIGHT: '1' } })
  })
  afterAll(async () => {
    await srv?.dispose()
  })

  it('requests past MAX_INFLIGHT get unavailable with a retry hint, the rest succeed', async () => {
    // A silent remote bidder holds each route open until the bid deadline, so routes pile up in flight.
    const s = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.interviewers.find((x) => x.availability === 'online')!
    const silent = await RawWs.open(srv.wsUrl)
    expect(await silent.call({ id: 'av', type: 'availability', interviewer_id: s.interviewer_id, availability: 'online', remote_bidding: true })).toMatchObject({ ok: true })
    const req = { type: 'route', topics: s.specializations, language: s.languages[0], budget: s.cost, sensitivity: false, sla_min: 10_000, user_id: 42 }
    const ws = await RawWs.open(srv.wsUrl)
    for (let i = 0; i < 50; i++) ws.send({ ...req, id: i })
    await ws.next(() => ws.frames.length >= 50)
    const busy = ws.frames.filter((f) => f.ok === false)
    expect(busy.length).toBeGreaterThan(0)
    for (const f of busy) expect(f.error).toMatchObject({ code: 'unavailable', retry_after_ms: expect.any(Number) })
    expect(ws.frames.some((f) => f.ok === true)).toBe(true)
    ws.close()
    silent.close()
  })
})

describe('slow readers', () => {
  let srv: ServerHandle
  beforeAll(async () => {
    srv = await startServer({ env: { MAX_BACKPRESSURE_BYTES: '4096', RATE_LIMIT_RPS: '1000000', RATE_LIMIT_BURST: '1000000' } })
  })
  afterAll(async () => {
    await srv?.dispose()
  })

  it('a reader that stops reading loses pushes (counted), then gets a `dropped` push', async () => {
    const slow = await RawWs.open(srv.wsUrl)
    expect(await slow.call({ id: 's', type: 'subscribe', stream: 'decisions' })).toMatchObject({ ok: true })
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
    socket.pause()
    const driver = await RawWs.open(srv.wsUrl)
    let dropped = 0
    // Decisions until the server reports drops: kernel buffers absorb the first few megabytes.
    for (let round = 0; round < 60 && dropped === 0; round++) {
      const start = driver.frames.length
      for (let i = 0; i < 500; i++) driver.send({ ...ROUTE, id: `${round}-${i}` })
      await driver.next(() => driver.frames.length >= start + 500, 30_000)
      const m = (await get<string>(`${srv.url}/metrics`)).body
      dropped = Number(/router_dropped_pushes_total (\d+)/.exec(m)?.[1] ?? 0)
    }
    expect(dropped).toBeGreaterThan(0)
    socket.resume()
    const notice = await slow.next<Frame & { count: number }>((f) => f.type === 'dropped', 30_000)
    expect(notice.count).toBeGreaterThan(0)
    expect(slow.closeCode).toBeNull()
    slow.close()
    driver.close()
  })
})
