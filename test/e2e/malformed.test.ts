// Bad input against the real server: thousands of generated bad frames (random bytes, truncated
// JSON, wrong types, missing fields, unknown types, invalid MessagePack) each get a typed `invalid`
// reply on a connection that survives; then a valid route still succeeds and no state changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { packMsg } from '../../client/codec.ts'
import type { RouteResult, StateSnapshot } from '../../client/protocol.ts'
import { RawWs, get, post, startServer, type Frame, type ServerHandle } from './server.ts'

let srv: ServerHandle
beforeAll(async () => {
  srv = await startServer()
})
afterAll(async () => {
  await srv?.dispose()
})

const ROUTE = { type: 'route', topics: ['FinTech'], language: 'English', budget: 80, sensitivity: false, sla_min: 30, user_id: 42 }
const VALID: Frame[] = [
  ROUTE,
  { type: 'cancel', assignment_id: 'a1' },
  { type: 'subscribe', stream: 'decisions' },
  { type: 'availability', interviewer_id: 3, availability: 'online' },
  { type: 'bid', bid_id: 'x', score: 1 },
]
const WRONG = [null, true, -1, 1.5, 'str', '', [], {}, [1, 2], { a: 1 }, 1e308, -0, 'x'.repeat(300)]
/** A value of a type the field cannot take (every field in VALID is required). */
function wrongFor(v: unknown, pick: <T>(xs: T[]) => T): unknown {
  if (typeof v === 'string') return pick([1, true, null, {}, [], 'x'.repeat(300)])
  if (typeof v === 'number') return pick(['1', true, {}, [], -1])
  if (typeof v === 'boolean') return pick(['true', 1, null, {}])
  return pick(['FinTech', 1, {}, null, [1]])
}

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One bad frame: [payload, binary]. Every kind must be answered with `invalid`. */
function badFrame(rnd: () => number, i: number): [string | Uint8Array, boolean] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]
  const base: Frame = { ...pick(VALID), id: i }
  switch (i % 8) {
    case 0: {
      // random bytes as MessagePack
      const b = new Uint8Array(1 + Math.floor(rnd() * 64))
      for (let k = 0; k < b.length; k++) b[k] = Math.floor(rnd() * 256)
      return [b, true]
    }
    case 1: {
      // truncated JSON
      const s = JSON.stringify(base)
      return [s.slice(0, Math.floor(rnd() * (s.length - 1))), false]
    }
    case 2: {
      // a field with the wrong type
      const keys = Object.keys(base).filter((k) => k !== 'id')
      const key = pick(keys)
      let bad = wrongFor(base[key], pick)
      // -1 is a fine bid score (it is clamped); an enum field gets an unknown member instead.
      if (key === 'score' && bad === -1) bad = '1'
      if (key === 'stream' || key === 'availability' || key === 'type') bad = 'nope'
      return [JSON.stringify({ ...base, [key]: bad }), false]
    }
    case 3: {
      // a missing required field
      const keys = Object.keys(base).filter((k) => k !== 'id' && k !== 'type')
      const copy: Frame = { ...base }
      delete copy[keys.length ? pick(keys) : 'type']
      return [JSON.stringify(copy), false]
    }
    case 4: // unknown type
      return [JSON.stringify({ ...base, type: pick(['nope', 'ROUTE', '', 'route ', '__proto__', 'constructor']) }), false]
    case 5: // valid MessagePack of a wrong shape
      return [packMsg(pick([...WRONG, { ...base, id: { nested: true } }, { ...base, type: 42 }, [base]])), true]
    case 6: // truncated MessagePack
      {
        const b = packMsg(base)
        return [b.subarray(0, Math.max(1, Math.floor(rnd() * (b.length - 1)))), true]
      }
    default: // JSON that is not a request object
      return [
        pick(['', ' ', 'null', '42', '"route"', '[]', '{}', '{"id":1}', '{"type":"route"}', '[[[[[[[[[[]]]]]]]]]]', '{"id":1,"type":"route","user_id":"42"}', '\u0000', '{"id":1,"type":"ping"']),
        false,
      ]
  }
}

describe('malformed input', () => {
  it('answers 4,000 generated bad frames with typed errors, then still routes', async () => {
    const before = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.totals
    const ws = await RawWs.open(srv.wsUrl)
    const rnd = prng(20260101)
    const N = 4000
    let sent = 0
    for (let i = 0; i < N; i++) {
      const [payload, binary] = badFrame(rnd, i)
      // A truncated MessagePack prefix can still decode to a valid-looking scalar; it is still not a request.
      ws.ws.send(payload, { binary })
      sent++
    }
    const replies = await ws.next(() => ws.frames.length >= sent, 30_000).then(() => ws.frames)
    expect(replies).toHaveLength(N)
    for (const [i, r] of replies.entries()) {
      expect(r.ok, `frame ${i}: ${JSON.stringify(r)}`).toBe(false)
      expect((r.error as { code: string }).code).toBe('invalid')
      expect(typeof (r.error as { message: string }).message).toBe('string')
    }
    expect(ws.closeCode).toBeNull()
    const after = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.totals
    expect(after).toEqual(before)
    const ok = await ws.call<{ ok: boolean; result: RouteResult }>({ ...ROUTE, id: 'valid' })
    expect(ok).toMatchObject({ ok: true, result: { status: 'assigned', user_id: 42 } })
    const msgpackOk = await ws.call<{ ok: boolean; result: { pong: boolean } }>({ id: 'mp', type: 'ping' }, 'msgpack')
    expect(msgpackOk).toMatchObject({ re: 'mp', ok: true, result: { pong: true } })
    ws.close()
    expect((await get(`${srv.url}/healthz`)).status).toBe(200)
  })

  it('keeps the request id in the error reply when it can be read', async () => {
    const ws = await RawWs.open(srv.wsUrl)
    expect(await ws.call({ id: 7, type: 'route', user_id: 'x' })).toMatchObject({ re: 7, ok: false, error: { code: 'invalid', path: expect.any(String) } })
    expect(await ws.call({ id: 8, type: 'teleport' })).toMatchObject({ re: 8, ok: false, error: { code: 'invalid', path: '/type' } })
    ws.close()
  })

  it('closes a connection that sends an oversized frame (1009), and the server carries on', async () => {
    const ws = await RawWs.open(srv.wsUrl)
    ws.ws.send('x'.repeat(70 * 1024))
    // Within twice the limit the gateway itself answers too_large and closes with 1009 (beyond it uWS cuts with 1006).
    expect(await ws.closed).toBe(1009)
    const again = await RawWs.open(srv.wsUrl)
    expect(await again.call({ id: 1, type: 'ping' })).toMatchObject({ ok: true })
    again.close()
  })

  it('closes a connection that sends invalid UTF-8 in a text frame, and the server carries on', async () => {
    const ws = await RawWs.open(srv.wsUrl)
    ws.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })
    // uWS validates UTF-8 before the handler and closes without a close frame: 1006, not 1007 (docs/gateway.md).
    expect(await ws.closed).toBe(1006)
    expect((await get(`${srv.url}/healthz`)).status).toBe(200)
  })

  it('HTTP: malformed JSON, wrong types, missing fields → 400 invalid; oversized → 413 too_large', async () => {
    const url = `${srv.url}/v1/route`
    expect(await post(url, '{"topics": [')).toMatchObject({ status: 400, body: { error: { code: 'invalid' } } })
    expect(await post(url, { ...ROUTE, type: undefined, budget: 'lots' })).toMatchObject({ status: 400, body: { error: { code: 'invalid', path: '/budget' } } })
    expect(await post(url, { language: 'English' })).toMatchObject({ status: 400, body: { error: { code: 'invalid' } } })
    expect(await post(`${srv.url}/v1/complete`, { interviewer_id: -1 })).toMatchObject({ status: 400, body: { error: { code: 'invalid' } } })
    const big = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...ROUTE, topics: ['x'.repeat(80 * 1024)] }) })
    expect(big.status).toBe(413)
    expect(await big.json()).toMatchObject({ error: { code: 'too_large' } })
    expect((await get(`${srv.url}/v1/state/%E0%A4%A`)).status).toBe(400)
    expect((await get(`${srv.url}/v1/users?page=abc`)).status).toBe(400)
    expect((await get(`${srv.url}/healthz`)).status).toBe(200)
  })

  it('no valid-looking garbage upgrades: a plain GET on /v1/ws is not a WebSocket', async () => {
    const r = await fetch(`${srv.url}/v1/ws`)
    expect(r.status).toBeGreaterThanOrEqual(400)
    void WebSocket
  })
})
