// One validator: requests generated around every route limit (just inside, at, just outside, wrong
// types, missing fields) are accepted or refused alike by POST /v1/route, the WebSocket `route`
// message (one real server) and engine.route called in process, with the same `invalid` path.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalBus } from '../../actors/bus/local.ts'
import { Engine } from '../../actors/engine/engine.ts'
import { FakeStore } from '../../actors/testing/fake-store.ts'
import { interviewer, testConfig, user } from '../../actors/testing/fixtures.ts'
import { LIMITS } from '../../client/schemas.ts'
import { silentLogger } from '../../server/log.ts'
import { RawWs, post, startServer, type ServerHandle } from './server.ts'

const MISSING = Symbol('missing')
type Value = unknown | typeof MISSING
const rep = (n: number) => 'x'.repeat(n)
const many = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`)

// Per field: values a client would send, and values on and around each bound or of a wrong type.
const FIELDS: Record<string, { usual: Value[]; edges: Value[] }> = {
  user_id: { usual: [1, 42, 77], edges: [LIMITS.userIdMin, LIMITS.userIdMin - 1, -1, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 53, '42', null, true, MISSING] },
  topics: {
    usual: [['FinTech'], ['FinTech', 'payments']],
    edges: [[], many(LIMITS.topicsMax - 1), many(LIMITS.topicsMax), many(LIMITS.topicsMax + 1), [''], [rep(LIMITS.topicLengthMax)], [rep(LIMITS.topicLengthMax + 1)], 'FinTech', [1], null, MISSING],
  },
  language: { usual: ['English', 'Spanish'], edges: ['', 'E', rep(LIMITS.languageLengthMax), rep(LIMITS.languageLengthMax + 1), 5, null, MISSING] },
  budget: { usual: [75, 100], edges: [0, -0.01, LIMITS.budgetMax, LIMITS.budgetMax + 0.01, 1e308, '75', null, MISSING] },
  sensitivity: { usual: [false, true], edges: ['no', 0, null, MISSING] },
  sla_min: { usual: [30, 600], edges: [0, -1, 0.5, LIMITS.slaMinMax, LIMITS.slaMinMax + 0.5, LIMITS.slaMinMax + 1, '30', null, MISSING] },
  request_id: { usual: [MISSING, 'request-id-0000'], edges: ['', rep(LIMITS.requestIdLengthMax), rep(LIMITS.requestIdLengthMax + 1), 5, null] },
  wait: { usual: [MISSING, false], edges: [true, 'yes', 1, null] },
  priority: {
    usual: [MISSING, 0],
    edges: [LIMITS.priorityMin, LIMITS.priorityMin - 1, LIMITS.priorityMax, LIMITS.priorityMax + 1, 1.5, '1', null],
  },
}

const field = ({ usual, edges }: { usual: Value[]; edges: Value[] }) => fc.oneof({ arbitrary: fc.constantFrom(...usual), weight: 3 }, { arbitrary: fc.constantFrom(...edges), weight: 1 })
const requestArb = fc.record(Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, field(f)])) as Record<string, fc.Arbitrary<Value>>)

/** The request as sent on one path: missing fields dropped, a string request_id made unique per path and case (same length). */
function build(fields: Record<string, Value>, tag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(fields)) {
    if (v === MISSING) continue
    out[k] = k === 'request_id' && typeof v === 'string' && v.length >= tag.length ? tag + v.slice(tag.length) : v
  }
  return out
}

type Verdict = { accepted: true } | { accepted: false; code: string; path?: string }
const verdictOf = (error: { code: string; path?: string } | undefined): Verdict => (error ? { accepted: false, code: error.code, path: error.path } : { accepted: true })

let srv: ServerHandle
let ws: RawWs
let engine: Engine
let bus: LocalBus
beforeAll(async () => {
  srv = await startServer()
  ws = await RawWs.open(srv.wsUrl)
  const store = new FakeStore()
  for (let id = 1; id <= 100; id++) store.users.set(id, user(id))
  store.interviewers = [interviewer(1, { capacity: 1000 }), interviewer(2, { capacity: 1000 })]
  bus = new LocalBus()
  engine = new Engine({ config: testConfig({ SUBJECT_PREFIX: `validate${process.pid}` }), bus, store, log: silentLogger })
  await engine.start()
})
afterAll(async () => {
  ws?.close()
  await engine?.stop()
  await bus?.close()
  await srv?.dispose()
})

describe('one route validator', () => {
  it('HTTP, WebSocket and the engine accept and refuse exactly the same generated requests', async () => {
    let n = 0
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(requestArb, async (fields) => {
        n++
        const http = await post<{ error?: { code: string; path?: string } }>(`${srv.url}/v1/route`, build(fields, `h${n}-`))
        const httpV = verdictOf(http.status === 200 ? undefined : http.body.error)
        const frame = await ws.call<{ ok: boolean; error?: { code: string; path?: string } }>({ id: n, type: 'route', ...build(fields, `w${n}-`) })
        const wsV = verdictOf(frame.ok ? undefined : frame.error)
        const engV = await engine.route(build(fields, `e${n}-`) as never).then(
          () => verdictOf(undefined),
          (err: { code: string; path?: string }) => verdictOf(err),
        )
        if (httpV.accepted) accepted++
        // A refusal is always `invalid` here (nothing else can fail on these paths).
        if (!engV.accepted) expect(engV.code).toBe('invalid')
        expect({ http: httpV, ws: wsV }).toEqual({ http: engV, ws: engV })
      }),
      { numRuns: 150 },
    )
    // Both kinds of answer were exercised.
    expect(accepted).toBeGreaterThan(10)
    expect(accepted).toBeLessThan(n - 10)
  })
})
