// The messages every k6 scenario (and the Node driver) sends validate against the protocol schemas.
import { describe, expect, it } from 'vitest'
import { checkCompleteRequest, checkMessage, checkRouteRequest } from '../../client/schemas.ts'
import {
  buildRouteRequest,
  classify,
  DEFAULT_MIX,
  DEMO,
  httpCompleteBody,
  httpRouteBody,
  makeRng,
  requestId,
  wsAccept,
  wsAvailability,
  wsComplete,
  wsCompleteOldest,
  wsPing,
  wsRoute,
  wsState,
  wsSubscribeAssignments,
  wsUrl,
} from './lib/builders.ts'

const SEEDS = Array.from({ length: 200 }, (_, i) => i * 7919 + 1)

describe('k6 request builders', () => {
  it('ws-burst / soak: WebSocket route messages validate', () => {
    for (const seed of SEEDS) {
      const rng = makeRng(seed)
      const msg = wsRoute(seed, buildRouteRequest(rng, requestId('run', seed, 0), { ...DEFAULT_MIX, wait_share: 0.5 }))
      const checked = checkMessage(JSON.parse(JSON.stringify(msg)))
      expect(checked.ok, JSON.stringify(checked)).toBe(true)
    }
  })

  it('http-burst / interviewers: HTTP route bodies validate and keep the demo field set', () => {
    for (const seed of SEEDS) {
      const body: unknown = JSON.parse(httpRouteBody(buildRouteRequest(makeRng(seed), requestId('run', 1, seed))))
      expect(checkRouteRequest(body).ok).toBe(true)
      expect(Object.keys(body as object)).toEqual(expect.arrayContaining(['user_id', 'topics', 'language', 'budget', 'sensitivity', 'sla_min']))
    }
  })

  it('route requests stay within the demo dataset', () => {
    const rng = makeRng(42)
    for (let i = 0; i < 1000; i++) {
      const req = buildRouteRequest(rng, `r${i}`)
      expect(req.user_id).toBeGreaterThanOrEqual(1)
      expect(req.user_id).toBeLessThanOrEqual(DEMO.users)
      expect(DEMO.languages).toContain(req.language)
      for (const t of req.topics) expect(DEMO.topics).toContain(t)
      expect(new Set(req.topics).size).toBe(req.topics.length)
    }
  })

  it('interviewer console messages validate', () => {
    const msgs = [
      wsAvailability(1, 7, 'online'),
      wsAvailability('x', 7, 'offline'),
      wsSubscribeAssignments(2, 7),
      wsAccept(3, 'a-1'),
      wsComplete(4, 'a-1'),
      wsCompleteOldest(5, 7),
      wsState(6),
      wsPing(7),
    ]
    for (const m of msgs) expect(checkMessage(JSON.parse(JSON.stringify(m))).ok, JSON.stringify(m)).toBe(true)
    expect(checkCompleteRequest(JSON.parse(httpCompleteBody({ interviewer_id: 7 }))).ok).toBe(true)
    expect(checkCompleteRequest(JSON.parse(httpCompleteBody({ assignment_id: 'a-1' }))).ok).toBe(true)
  })

  it('the same seed builds the same request (VUs and driver workers are reproducible)', () => {
    expect(buildRouteRequest(makeRng(9), 'a')).toEqual(buildRouteRequest(makeRng(9), 'a'))
    expect(buildRouteRequest(makeRng(9), 'a')).not.toEqual(buildRouteRequest(makeRng(10), 'a'))
  })

  it('classifies replies and pushes', () => {
    expect(classify({ re: 3, ok: true, result: { status: 'assigned', interviewer_id: 7, assignment_id: 'a' } })).toEqual({
      reply: { re: 3, ok: true, status: 'assigned', interviewer_id: 7, assignment_id: 'a' },
    })
    expect(classify({ re: null, ok: false, error: { code: 'invalid', message: 'x' } })).toEqual({ reply: { re: null, ok: false, error_code: 'invalid' } })
    expect(classify({ type: 'event', stream: 'assignments', event: { assignment_id: 'a', interviewer_id: 2, state: 'offered' } })).toEqual({
      push: { type: 'event', assignment_id: 'a', interviewer_id: 2, state: 'offered' },
    })
    expect(classify('nope')).toBeNull()
  })

  it('builds the WebSocket URL from the HTTP base', () => {
    expect(wsUrl('http://127.0.0.1:8000/', undefined)).toBe('ws://127.0.0.1:8000/v1/ws')
    expect(wsUrl('https://h:1', 'a b')).toBe('wss://h:1/v1/ws?token=a%20b')
  })
})
