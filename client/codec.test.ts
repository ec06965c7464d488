// Codec: both encodings round-trip; malformed frames of any shape become DecodeError, never a crash.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DecodeError, decodeFrame, encodeFrame, packMsg } from './codec.ts'
import { Backoff } from './sdk/backoff.ts'

const te = new TextEncoder()
const asBytes = (f: string | Uint8Array) => (typeof f === 'string' ? te.encode(f) : f)

describe('codec', () => {
  it('round-trips messages in JSON and MessagePack', () => {
    const msg = { id: 1, type: 'route', user_id: 42, topics: ['FinTech'], budget: 75.5, sensitivity: false, request_id: 'r1' }
    for (const enc of ['json', 'msgpack'] as const) expect(decodeFrame(asBytes(encodeFrame(msg, enc)), enc === 'msgpack')).toEqual(msg)
  })

  it('decodes MessagePack maps as plain objects and integers as numbers', () => {
    const v = decodeFrame(packMsg({ a: 2 ** 40, b: [1, 2] }), true)
    expect(v).toEqual({ a: 2 ** 40, b: [1, 2] })
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype)
  })

  it('any byte string either decodes or throws DecodeError (both encodings)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.boolean(), (bytes, binary) => {
        try {
          decodeFrame(bytes, binary)
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError)
          expect((err as DecodeError).code).toBe('invalid')
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('every strict prefix of a JSON object is refused', () => {
    const s = JSON.stringify({ id: 1, type: 'ping', nested: { a: [1, 2, 3] } })
    for (let i = 0; i < s.length; i++) expect(() => decodeFrame(te.encode(s.slice(0, i)), false)).toThrow(DecodeError)
  })

  it('refuses invalid UTF-8 in text frames and deep nesting without crashing', () => {
    expect(() => decodeFrame(new Uint8Array([0x7b, 0xff, 0x7d]), false)).toThrow(DecodeError)
    const deep = '['.repeat(200_000) + ']'.repeat(200_000)
    try {
      decodeFrame(te.encode(deep), false)
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError)
    }
  })
})

describe('Backoff', () => {
  it('grows exponentially with jitter up to the cap, and resets', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000 }, () => 1)
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000])
    b.reset()
    const low = new Backoff({ initialMs: 100, maxMs: 1000 }, () => 0)
    expect(low.next()).toBe(50)
    expect(b.attempt).toBe(0)
    expect(new Backoff({ maxAttempts: 1 }).exhausted).toBe(false)
  })
})
