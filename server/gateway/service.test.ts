// The gateway's verbs without sockets, over the fake engine: request_id coalescing, the in-flight
// bound, client ownership of assignments, drain on shutdown.
import { describe, expect, it } from 'vitest'
import { FakeEngine } from '../../test/e2e/fakes/engine.ts'
import { fakeStore } from '../../test/e2e/fakes/store.ts'
import { silentLogger } from '../log.ts'
import type { Principal } from '../auth/index.ts'
import type { RouteRequest } from '../../client/protocol.ts'
import { GatewayMetrics } from './metrics.ts'
import { Service } from './service.ts'

const who = (role: Principal['role'], sub: string): Principal => ({ role, sub, exp: Infinity, key: `${role}:${sub}` })
const REQ: RouteRequest = { topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 42 }

function setup(maxInflight = 100) {
  const engine = new FakeEngine()
  const metrics = new GatewayMetrics()
  const svc = new Service({ engine, store: fakeStore(), metrics, log: silentLogger, maxInflight })
  return { engine, metrics, svc }
}

describe('Service', () => {
  it('coalesces concurrent routes with one request_id into one engine call', async () => {
    const { engine, svc } = setup()
    let calls = 0
    const route = engine.route.bind(engine)
    engine.route = (r) => {
      calls++
      return route(r)
    }
    const results = await Promise.all(Array.from({ length: 10 }, () => svc.route(who('client', 'a'), { ...REQ, request_id: 'same' })))
    expect(calls).toBe(1)
    expect(new Set(results.map((r) => r.assignment_id)).size).toBe(1)
  })

  it('passes only the route fields to the engine', async () => {
    const { engine, svc } = setup()
    let seen: RouteRequest | null = null
    const route = engine.route.bind(engine)
    engine.route = (r) => {
      seen = r
      return route(r)
    }
    await svc.route(who('operator', 'o'), { ...REQ, extra: 'x'.repeat(1000), id: 5, type: 'route' } as RouteRequest)
    expect(seen).toEqual(REQ)
  })

  it('refuses work past the in-flight bound with unavailable and a retry hint', async () => {
    const { engine, svc } = setup(2)
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const route = engine.route.bind(engine)
    engine.route = async (r) => {
      await gate
      return route(r)
    }
    const p = who('client', 'a')
    const held = [svc.route(p, REQ), svc.route(p, REQ)]
    await expect(svc.route(p, REQ)).rejects.toMatchObject({ code: 'unavailable', retry_after_ms: expect.any(Number) })
    release()
    await Promise.all(held)
    await expect(svc.route(p, REQ)).resolves.toMatchObject({ status: 'assigned' })
  })

  it('lets a client cancel only what its own routes created', async () => {
    const { svc } = setup()
    const r = await svc.route(who('client', 'a'), REQ)
    await expect(svc.cancel(who('client', 'b'), r.assignment_id!)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(svc.cancel(who('client', 'a'), r.assignment_id!)).resolves.toMatchObject({ status: 'cancelled' })
  })

  it('checks an interviewer against the owner of the assignment it touches', async () => {
    const { svc } = setup()
    const r = await svc.route(who('operator', 'o'), REQ)
    const owner = r.interviewer_id!
    await expect(svc.accept(who('interviewer', String(owner + 1)), r.assignment_id!)).rejects.toMatchObject({ code: 'forbidden' })
    await expect(svc.accept(who('interviewer', String(owner)), r.assignment_id!)).resolves.toMatchObject({ status: 'accepted' })
    await expect(svc.accept(who('operator', 'o'), 'missing')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('drain waits for in-flight work, then refuses new work', async () => {
    const { engine, svc } = setup()
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const route = engine.route.bind(engine)
    engine.route = async (r) => {
      await gate
      return route(r)
    }
    const inflight = svc.route(who('client', 'a'), REQ)
    let drained = false
    const d = svc.drain(10_000).then(() => {
      drained = true
    })
    await Promise.resolve()
    expect(drained).toBe(false)
    release()
    await inflight
    await d
    expect(drained).toBe(true)
    await expect(svc.route(who('client', 'a'), REQ)).rejects.toMatchObject({ code: 'unavailable' })
  })
})
