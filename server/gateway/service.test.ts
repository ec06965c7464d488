// The gateway's verbs without sockets, over the fake engine: replays and ownership, the in-flight
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
  it('a replayed route never makes another client the owner of its assignment', async () => {
    const { svc } = setup()
    const first = await svc.route(who('client', 'a'), { ...REQ, request_id: 'same' })
    const again = await svc.route(who('client', 'b'), { ...REQ, request_id: 'same' })
    expect(again).toMatchObject({ assignment_id: first.assignment_id, replayed: true })
    expect(svc.ownerKey(first.assignment_id!)).toBe('client:a')
    await expect(svc.cancel(who('client', 'b'), first.assignment_id!)).rejects.toMatchObject({ code: 'not_found' })
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

  /** The error a call rejects with, as {code, message}: "not yours" and "does not exist" must be equal. */
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
    )

  it('lets a client cancel only what its own routes created; another client cannot tell it exists', async () => {
    const { svc } = setup()
    const r = await svc.route(who('client', 'a'), REQ)
    const id = r.assignment_id!
    const theirs = await refusal(svc.cancel(who('client', 'b'), id))
    expect(theirs).toMatchObject({ code: 'not_found' })
    expect(await refusal(svc.cancel(who('client', 'b'), `${id}x`))).toEqual({ ...theirs, message: theirs!.message.replace(id, `${id}x`) })
    await expect(svc.cancel(who('client', 'a'), id)).resolves.toMatchObject({ status: 'cancelled' })
  })

  it('checks an interviewer against the owner of the assignment it touches, with one answer for "not yours" and "missing"', async () => {
    const { svc } = setup()
    const r = await svc.route(who('operator', 'o'), REQ)
    const owner = r.interviewer_id!
    const other = who('interviewer', String(owner + 1))
    for (const verb of ['accept', 'reject'] as const) {
      const notYours = await refusal(svc[verb](other, r.assignment_id!))
      expect(notYours).toMatchObject({ code: 'not_found' })
      expect(await refusal(svc[verb](other, 'missing'))).toEqual({ ...notYours, message: notYours!.message.replace(r.assignment_id!, 'missing') })
    }
    // A role that may not accept at all is refused the same way whether the id exists or not.
    expect(await refusal(svc.accept(who('client', 'c'), r.assignment_id!))).toEqual(await refusal(svc.accept(who('client', 'c'), 'missing')))
    await expect(svc.accept(who('interviewer', String(owner)), r.assignment_id!)).resolves.toMatchObject({ status: 'accepted' })
    await expect(svc.accept(who('operator', 'o'), 'missing')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('complete with both ids: assignment_id wins and must belong to interviewer_id', async () => {
    const { svc } = setup()
    const op = who('operator', 'o')
    // Two open assignments of one interviewer: route until one interviewer holds two.
    const seen = new Map<number, string>()
    let pair: [string, string, number] | null = null
    for (let i = 0; i < 200 && !pair; i++) {
      const r = await svc.route(op, { ...REQ, user_id: i + 1 })
      if (r.assignment_id === undefined || r.interviewer_id === undefined) continue
      const earlier = seen.get(r.interviewer_id)
      if (earlier) pair = [earlier, r.assignment_id, r.interviewer_id]
      else seen.set(r.interviewer_id, r.assignment_id)
    }
    expect(pair).not.toBeNull()
    const [firstId, secondId, iv] = pair!
    const first = { assignment_id: firstId }
    const second = { assignment_id: secondId }
    await expect(svc.complete(op, { interviewer_id: iv + 1, assignment_id: second.assignment_id! })).rejects.toMatchObject({ code: 'invalid', path: '/interviewer_id' })
    // The second (not the oldest) is the one completed.
    await expect(svc.complete(op, { interviewer_id: iv, assignment_id: second.assignment_id! })).resolves.toMatchObject({ assignment_id: second.assignment_id })
    const mine = who('interviewer', String(iv))
    await expect(svc.complete(mine, { interviewer_id: iv + 1, assignment_id: first.assignment_id! })).rejects.toMatchObject({ code: 'forbidden' })
    await expect(svc.complete(mine, { interviewer_id: iv, assignment_id: first.assignment_id! })).resolves.toMatchObject({ assignment_id: first.assignment_id })
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
