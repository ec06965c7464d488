// Compiled validators: valid messages pass, each kind of bad one fails with `invalid` and a path.
import { describe, expect, it } from 'vitest'
import { BUDGET_MAX, LIMITS, routeFieldsOf, checkCompleteRequest, checkMessage, checkRouteBatch, checkRouteRequest, checkWeightsPatch, MESSAGE_TYPES } from './schemas.ts'

const ROUTE = { topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 30, user_id: 42 }

describe('schemas', () => {
  it('accepts the demo route body and every message type', () => {
    expect(checkRouteRequest(ROUTE)).toEqual({ ok: true, value: ROUTE })
    const msgs = [
      { id: 1, type: 'route', ...ROUTE, request_id: 'r', wait: true, priority: 2 },
      { id: 'a', type: 'cancel', assignment_id: 'x' },
      { id: 2, type: 'complete', interviewer_id: 7 },
      { id: 3, type: 'state' },
      { id: 4, type: 'subscribe', stream: 'decisions' },
      { id: 5, type: 'unsubscribe', stream: 'assignments', interviewer_id: 3 },
      { id: 6, type: 'availability', interviewer_id: 3, availability: 'paused', remote_bidding: false },
      { id: 7, type: 'accept', assignment_id: 'x' },
      { id: 8, type: 'reject', assignment_id: 'x' },
      { id: 9, type: 'bid', bid_id: 'b', score: null },
      { id: 10, type: 'ping' },
      { id: 11, type: 'auth', token: 'header.payload.signature' },
    ]
    expect(new Set(msgs.map((m) => m.type))).toEqual(new Set(MESSAGE_TYPES))
    for (const m of msgs) expect(checkMessage(m).ok, JSON.stringify(m)).toBe(true)
  })

  it.each([
    [{ ...ROUTE, budget: '75' }, '/budget'],
    [{ ...ROUTE, user_id: 1.5 }, '/user_id'],
    [{ ...ROUTE, user_id: -1 }, '/user_id'],
    [{ ...ROUTE, budget: Number.NaN }, '/budget'],
    [{ ...ROUTE, topics: 'FinTech' }, '/topics'],
    [{ ...ROUTE, sensitivity: 'no' }, '/sensitivity'],
    [{ ...ROUTE, request_id: '' }, '/request_id'],
    [{ ...ROUTE, budget: 1e308 }, '/budget'],
    [{ ...ROUTE, budget: BUDGET_MAX + 0.01 }, '/budget'],
    [{ ...ROUTE, user_id: 0 }, '/user_id'],
    [{ ...ROUTE, language: '' }, '/language'],
    [{ ...ROUTE, topics: Array.from({ length: LIMITS.topicsMax + 1 }, (_, i) => `t${i}`) }, '/topics'],
    [{ ...ROUTE, topics: [''] }, '/topics/0'],
    [{ ...ROUTE, sla_min: LIMITS.slaMinMax + 1 }, '/sla_min'],
    [{ ...ROUTE, priority: LIMITS.priorityMax + 1 }, '/priority'],
  ])('route body %j → invalid at %s', (body, path) => {
    const r = checkRouteRequest(body)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatchObject({ code: 'invalid', path })
  })

  it('routeFieldsOf keeps only the route fields (what the engine routes and stores)', () => {
    const msg = { ...ROUTE, request_id: 'r', priority: 1, extra: 'x'.repeat(1000), id: 5, type: 'route' }
    const r = checkRouteRequest(msg)
    expect(r.ok).toBe(true)
    if (r.ok) expect(routeFieldsOf(r.value)).toEqual({ ...ROUTE, request_id: 'r', priority: 1 })
  })

  it('messages: missing envelope, unknown type, and bad fields keep the id when readable', () => {
    expect(checkMessage(null)).toMatchObject({ ok: false, error: { code: 'invalid' } })
    expect(checkMessage({ type: 'ping' })).toMatchObject({ ok: false, error: { path: '/id' } })
    expect(checkMessage({ id: 3, type: 'warp' })).toMatchObject({ ok: false, id: 3, error: { path: '/type' } })
    expect(checkMessage({ id: 4, type: 'subscribe', stream: 'gossip' })).toMatchObject({ ok: false, id: 4, error: { code: 'invalid' } })
    expect(checkMessage({ id: 5, type: 'bid', bid_id: 'b', score: Infinity })).toMatchObject({ ok: false, id: 5 })
  })

  it('HTTP bodies: complete, batch (object or array), weights patch', () => {
    expect(checkCompleteRequest({ interviewer_id: 7 }).ok).toBe(true)
    expect(checkCompleteRequest({ assignment_id: 'a' }).ok).toBe(true)
    expect(checkCompleteRequest({}).ok).toBe(false)
    // Both ids together are one request (assignment_id wins; the Service checks they agree).
    expect(checkCompleteRequest({ interviewer_id: 7, assignment_id: 'a' })).toEqual({ ok: true, value: { interviewer_id: 7, assignment_id: 'a' } })
    expect(checkCompleteRequest({ interviewer_id: 7, assignment_id: '' }).ok).toBe(false)
    expect(checkRouteRequest({ ...ROUTE, budget: BUDGET_MAX }).ok).toBe(true)
    expect(checkRouteBatch([ROUTE])).toEqual({ ok: true, value: [ROUTE] })
    expect(checkRouteBatch({ requests: [ROUTE, ROUTE] })).toMatchObject({ ok: true, value: [ROUTE, ROUTE] })
    expect(checkRouteBatch({ requests: [] }).ok).toBe(false)
    expect(checkWeightsPatch({ topic: 2 }).ok).toBe(true)
    expect(checkWeightsPatch({ topic: -1 }).ok).toBe(false)
    expect(checkWeightsPatch({ version: 9 }).ok).toBe(false)
    expect(checkWeightsPatch({}).ok).toBe(false)
  })
})
