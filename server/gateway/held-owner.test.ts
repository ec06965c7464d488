// A client's held request, assigned later, becomes that client's assignment: it may cancel it, and
// its assignment stream is told (onOwned); another client may not. Service over the real engine.
import { afterEach, describe, expect, it } from 'vitest'
import { LocalBus } from '../../actors/bus/local.ts'
import { Engine } from '../../actors/engine/engine.ts'
import { FakeStore } from '../../actors/testing/fake-store.ts'
import { interviewer, testConfig, user } from '../../actors/testing/fixtures.ts'
import type { RouteRequest } from '../../client/protocol.ts'
import { fakeStore } from '../../test/e2e/fakes/store.ts'
import type { Principal } from '../auth/index.ts'
import { silentLogger } from '../log.ts'
import { GatewayMetrics } from './metrics.ts'
import { Service } from './service.ts'

const who = (role: Principal['role'], sub: string): Principal => ({ role, sub, exp: Infinity, key: `${role}:${sub}` })
const REQ: RouteRequest = { topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 1 }
const stops: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const s of stops.splice(0)) await s()
})

describe('held requests through the Service', () => {
  it('the assignment of a held request is owned by the client it was held for', async () => {
    const store = new FakeStore()
    for (let i = 1; i <= 3; i++) store.users.set(i, user(i))
    store.interviewers = [interviewer(1, { capacity: 1 })]
    const bus = new LocalBus()
    const engine = new Engine({ config: testConfig(), bus, store, log: silentLogger })
    await engine.start()
    const svc = new Service({ engine, store: fakeStore(), metrics: new GatewayMetrics(), log: silentLogger, maxInflight: 100 })
    stops.push(async () => {
      svc.dispose()
      await engine.stop()
      await bus.close()
    })
    const owned: [string, string][] = []
    svc.onOwned = (aid, key) => owned.push([aid, key])
    const seat = await svc.route(who('client', 'first'), REQ)
    expect((await svc.route(who('client', 'a'), { ...REQ, user_id: 2, wait: true, request_id: 'mine' })).status).toBe('queued')
    // Someone else cannot cancel it; its owner could.
    await expect(svc.cancelHeld(who('client', 'b'), 'mine')).rejects.toMatchObject({ code: 'not_found' })
    await svc.complete(who('operator', 'op'), { assignment_id: seat.assignment_id as string })
    for (let i = 0; i < 200 && owned.length < 2; i++) await new Promise((r) => setTimeout(r, 5))
    const [aid, key] = owned[1]
    expect(key).toBe('client:a')
    expect(svc.ownerKey(aid)).toBe('client:a')
    await expect(svc.cancel(who('client', 'b'), aid)).rejects.toMatchObject({ code: 'not_found' })
    expect(await svc.cancel(who('client', 'a'), aid)).toMatchObject({ status: 'cancelled', assignment_id: aid })
  })
})
