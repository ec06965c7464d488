// fast-check generators for the gateway fuzz suite: WebSocket frames (JSON text and MessagePack
// binary: arbitrary values, mutated valid requests, raw bytes, deep nesting), HTTP requests (bodies,
// headers, query strings) and JWT-shaped tokens with the verdict the server must reach on each.
import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { packMsg } from '../../client/codec.ts'
import { ROLES } from '../../client/protocol.ts'

/** One valid request per message type; mutations start from these. sla_min 0: nothing waits long. */
const VALID: Record<string, Record<string, unknown>> = {
  route: { topics: ['FinTech'], language: 'English', budget: 80, sensitivity: false, sla_min: 0, user_id: 42 },
  cancel: { assignment_id: 'a1' },
  complete: { interviewer_id: 3 },
  state: { interviewer_id: 3 },
  subscribe: { stream: 'assignments' },
  unsubscribe: { stream: 'assignments' },
  availability: { interviewer_id: 3, availability: 'online' },
  accept: { assignment_id: 'a1' },
  reject: { assignment_id: 'a1' },
  bid: { bid_id: 'b1', score: 1 },
  ping: {},
  auth: { token: 'x.y.z' },
}
const TYPES = Object.keys(VALID)
const KEYS = [...new Set(['id', 'type', ...Object.values(VALID).flatMap((m) => Object.keys(m)), 'request_id', 'wait', 'priority', 'remote_bidding', '__proto__', 'constructor', 'prototype'])]

/** Sets an own property, even one named __proto__ (plain assignment would change the prototype). */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true })
}

/** A valid request with one field replaced by an arbitrary value, or removed, or one key added. */
export const mutatedMessage = fc
  .record({
    type: fc.oneof(fc.constantFrom(...TYPES), fc.string({ maxLength: 12 })),
    key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 12 })),
    value: fc.option(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.double(), fc.constantFrom(1e308, -1, 0, 2 ** 53, '', '05', 'x'.repeat(300))), { nil: undefined }),
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 20 })),
  })
  .map(({ type, key, value, id }) => {
    const m: Record<string, unknown> = { id, type, ...(VALID[type] ?? {}) }
    if (value === undefined) delete m[key]
    else setOwn(m, key, value)
    return m
  })

/** Nesting far deeper than any request: `[[[…]]]` or `{"a":{"a":…}}` as JSON, up to about 64 KiB. */
const deepJson = fc
  .record({ depth: fc.integer({ min: 100, max: 10_900 }), object: fc.boolean() })
  .map(({ depth, object }) => (object ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(3 * depth)}${']'.repeat(3 * depth)}`))

/** A text frame: arbitrary JSON, arbitrary text, a mutated request, or deep nesting. */
export const jsonFrame: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200, unit: 'grapheme' }),
  mutatedMessage.map((m) => JSON.stringify(m)),
  mutatedMessage.map((m) => JSON.stringify(m).slice(0, -1)),
  deepJson,
)

/** MessagePack bytes: 0x91 (array of one) repeated, ending in nil; or maps of maps. */
const deepMsgpack = fc.record({ depth: fc.integer({ min: 100, max: 20_000 }), map: fc.boolean() }).map(({ depth, map }) => {
  const unit = map ? [0x81, 0xa1, 0x61] : [0x91]
  const out = new Uint8Array(depth * unit.length + 1)
  for (let i = 0; i < depth; i++) out.set(unit, i * unit.length)
  out[out.length - 1] = 0xc0
  return out
})

/** Headers that claim far more data than follows: str32, bin32, array32, map32, ext32. */
const hugeClaims = fc.constantFrom(0xdb, 0xc6, 0xdd, 0xdf, 0xc9).map((tag) => Uint8Array.from([tag, 0x7f, 0xff, 0xff, 0xff, 0x01]))

/** A binary frame: random bytes, extension types, huge claimed lengths, packed arbitrary values, mutated requests, deep nesting. */
export const msgpackFrame: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 128 }),
  fc.record({ ext: fc.integer({ min: -128, max: 127 }), data: fc.uint8Array({ maxLength: 16 }) }).map(({ ext, data }) => Uint8Array.from([0xc7, data.length, ext & 0xff, ...data])),
  hugeClaims,
  fc.jsonValue().map((v) => packMsg(v)),
  mutatedMessage.map((m) => packMsg(m)),
  mutatedMessage.map((m) => {
    const b = packMsg(m)
    return b.subarray(0, Math.max(1, b.length - 1))
  }),
  deepMsgpack,
)

export const HTTP_ENDPOINTS: { method: 'GET' | 'POST' | 'PUT'; path: string }[] = [
  { method: 'POST', path: '/v1/route' },
  { method: 'POST', path: '/v1/route/batch' },
  { method: 'POST', path: '/v1/complete' },
  { method: 'POST', path: '/v1/cancel' },
  { method: 'PUT', path: '/v1/admin/weights' },
  { method: 'GET', path: '/v1/decisions' },
  { method: 'GET', path: '/v1/users' },
  { method: 'GET', path: '/v1/state/' },
]

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`))

/** An HTTP request: endpoint, body (JSON, text, mutated route, deep nesting), query string and path suffix. */
export const httpRequest = fc.record({
  endpoint: fc.constantFrom(...HTTP_ENDPOINTS),
  body: fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    mutatedMessage.map((m) => JSON.stringify(m)),
    deepJson,
  ),
  query: fc.array(fc.tuple(fc.constantFrom('page', 'limit', 'search', 'outcome', 'user_id', 'interviewer_id', 'from', 'to', 'constructor'), printable(20)), { maxLength: 4 }),
  suffix: printable(24).map((s) => encodeURIComponent(s)),
  operator: fc.boolean(),
})

/** Headers around a request: the Authorization value and ?token= values (valid, garbage or none) and noise headers. */
export const headerSet = fc.record({
  authorization: fc.oneof(
    fc.constant<'valid'>('valid'),
    fc.constant(null),
    printable(80),
    printable(80).map((s) => `Bearer ${s}`),
  ),
  query: fc.array(fc.oneof(fc.constant<'valid'>('valid'), printable(40)), { maxLength: 2 }),
  extra: fc.array(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), printable(100)), { maxLength: 4 }),
  contentType: fc.option(printable(40), { nil: undefined }),
})

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')

export interface FuzzToken {
  token: string
  /** What the server must do with it: accept (a valid principal) or refuse with 401. */
  accept: boolean
}

/** JWT-shaped tokens with random algorithm, signature, subject, role and expiry, and the expected verdict. */
export function jwtToken(secret: string): fc.Arbitrary<FuzzToken> {
  return fc
    .record({
      alg: fc.constantFrom('HS256', 'HS256', 'none', 'HS512', 'RS256'),
      sign: fc.constantFrom<'right' | 'wrong' | 'none' | 'garbage'>('right', 'right', 'wrong', 'none', 'garbage'),
      sub: fc.oneof(fc.constantFrom('5', '05', '000000000000005', '0', 'alice', '', '1234567890123456'), fc.string({ maxLength: 20 }), fc.integer(), fc.constant(undefined)),
      role: fc.oneof(fc.constantFrom(...ROLES), fc.string({ maxLength: 12 }), fc.constant(undefined)),
      exp: fc.oneof(fc.constantFrom<'future' | 'past' | 'absent' | 'string' | 'huge'>('future', 'future', 'past', 'absent', 'string', 'huge')),
    })
    .map(({ alg, sign, sub, role, exp }) => {
      const now = Math.floor(Date.now() / 1000)
      const expValue = { future: now + 3600, past: now - 3600, absent: undefined, string: String(now + 3600), huge: 1e20 }[exp]
      const payload: Record<string, unknown> = { sub, role, exp: expValue, iat: now }
      const input = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`
      const mac = (key: string) => createHmac('sha256', key).update(input).digest('base64url')
      const sig = { right: mac(secret), wrong: mac(`${secret}-other`), none: '', garbage: 'AAAA' }[sign]
      const validSub = typeof sub === 'string' && sub !== '' && (role !== 'interviewer' || /^(0|[1-9]\d{0,14})$/.test(sub))
      const accept = alg === 'HS256' && sign === 'right' && validSub && (ROLES as readonly unknown[]).includes(role) && (exp === 'future' || exp === 'huge')
      return { token: `${input}.${sig}`, accept }
    })
}
