// The SDK across a server restart: it reconnects with backoff, renews its subscriptions, and a
// route issued while the server is down completes once (its request_id makes the retry safe).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type RouterClient } from '../../client/sdk/index.ts'
import { RouterError } from '../../client/errors.ts'
import type { DecisionEvent, RouteRequest } from '../../client/protocol.ts'
import { startServer, type ServerHandle } from './server.ts'

let srv: ServerHandle
beforeAll(async () => {
  srv = await startServer()
})
afterAll(async () => {
  await srv?.dispose()
})

const REQ: RouteRequest = { topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 21 }
const once = <T>(client: RouterClient, event: 'open' | 'reconnecting'): Promise<T> => new Promise((res) => client.once(event, (...a: unknown[]) => res(a as T)))

describe('SDK', () => {
  it.each(['json', 'msgpack'] as const)('request/reply and typed errors over %s', async (encoding) => {
    const c = await connect(srv.wsUrl, { encoding })
    expect(await c.ping()).toMatchObject({ pong: true })
    const r = await c.route(REQ)
    expect(r.status).toBe('assigned')
    expect(r.request_id).toBeTruthy()
    const err = await c.state(999_999).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RouterError)
    expect((err as RouterError).code).toBe('not_found')
    const bad = await c.request({ type: 'cancel', assignment_id: '' }).catch((e: unknown) => e)
    expect((bad as RouterError).code).toBe('invalid')
    c.close()
  })

  it('reconnects after a server restart, resubscribes, and completes a route sent while down', async () => {
    const c = await connect(srv.wsUrl, { reconnect: { initialMs: 50, maxMs: 500 }, timeoutMs: 60_000 })
    await c.subscribe('decisions')
    const reconnecting = once<[number, number]>(c, 'reconnecting')
    await srv.stop()
    const [attempt] = await reconnecting
    expect(attempt).toBeGreaterThanOrEqual(1)
    expect(c.connected).toBe(false)
    // Issued while the server is down: queued, then sent once the connection is back.
    const pending = c.route({ ...REQ, user_id: 22 })
    const decisions: DecisionEvent[] = []
    c.on('event', (stream, e) => {
      if (stream === 'decisions') decisions.push(e as DecisionEvent)
    })
    const reopened = once(c, 'open')
    await srv.restart()
    await reopened
    const r = await pending
    expect(r).toMatchObject({ status: 'assigned', user_id: 22 })
    // The renewed subscription delivers decisions made after the restart.
    const r2 = await c.route({ ...REQ, user_id: 23 })
    await new Promise<void>((res) => {
      const check = () => (decisions.some((d) => d.request_id === r2.request_id) ? res() : setTimeout(check, 20))
      check()
    })
    c.close()
  })
})

describe('SDK with auth', () => {
  let other: ServerHandle
  beforeAll(async () => {
    other = await startServer({ env: { JWT_SECRET: 'sdk-secret-0123456789abcdef' } })
  })
  afterAll(async () => {
    await other?.dispose()
  })

  it('does not reconnect after an auth failure; connect rejects with unauthorized', async () => {
    const err = await connect(other.wsUrl, { token: 'bogus' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RouterError)
    expect((err as RouterError).code).toBe('unauthorized')
  })
})
