// ByteWriter: the digits, growth and buffer reuse the COPY byte encoder relies on.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ByteWriter, copyBytes } from './bytes.ts'

const str = (b: Uint8Array): string => Buffer.from(b).toString('utf8')

describe('ByteWriter', () => {
  it('writes non-negative integers as String() does, and two-digit fields zero-padded', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 40 }), fc.integer({ min: 0, max: 99 }), (n, t) => {
        const w = new ByteWriter(8)
        w.uint(n)
        w.byte(9)
        w.two(t)
        return str(w.take()) === `${n}\t${String(t).padStart(2, '0')}`
      }),
    )
  })

  it('grows past its capacity and escapes values as COPY text', () => {
    const w = new ByteWriter(4)
    const big = copyBytes('tab\there, new\nline, back\\slash, Zoë')
    for (let i = 0; i < 3; i++) w.bytes(big)
    expect(str(w.take())).toBe('tab\\there, new\\nline, back\\\\slash, Zoë'.repeat(3))
  })

  it('reuses a recycled buffer and never hands out one still in use', () => {
    const w = new ByteWriter(64)
    w.uint(1)
    const a = w.take()
    w.uint(2)
    const b = w.take()
    expect(a.buffer).not.toBe(b.buffer)
    w.recycle(a)
    w.uint(3)
    const c = w.take()
    // The buffer after c's is the recycled one.
    w.uint(4)
    const e = w.take()
    expect(e.buffer).toBe(a.buffer)
    expect(c.buffer).not.toBe(a.buffer)
    expect([str(b), str(c), str(e)]).toEqual(['2', '3', '4'])
    // A transferred (detached) buffer is not taken back.
    const d = w.take()
    structuredClone(d.buffer, { transfer: [d.buffer as ArrayBuffer] })
    w.recycle(d)
    w.uint(5)
    w.take()
    w.uint(6)
    expect(str(w.take())).toBe('6')
  })
})
