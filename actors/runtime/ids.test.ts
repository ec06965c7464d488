import { describe, expect, it } from 'vitest'
import { nextId } from './ids.ts'

const SHAPE = /^[0-9a-f]{16}[A-Za-z0-9_-]{24}$/

describe('nextId', () => {
  it('gives distinct 40-character ids that sort in creation order', () => {
    const ids = Array.from({ length: 1000 }, nextId)
    expect(new Set(ids).size).toBe(1000)
    for (const id of ids) expect(id).toMatch(SHAPE)
    expect([...ids].sort()).toEqual(ids)
  })

  it('stays distinct, ordered and well-formed across many pool refills in one millisecond', () => {
    const ids = Array.from({ length: 70_000 }, nextId)
    expect(new Set(ids).size).toBe(70_000)
    expect([...ids].sort()).toEqual(ids)
    expect(nextId()).toMatch(SHAPE)
  })

  it('carries 144 random bits: consecutive ids share no guessable suffix', () => {
    const a = nextId()
    const b = nextId()
    // The random parts of consecutive ids differ in most of their 24 characters (a counter would differ in 1).
    let same = 0
    for (let i = 16; i < 40; i++) if (a[i] === b[i]) same++
    expect(same).toBeLessThan(12)
    // The characters are spread over the whole base64url alphabet.
    const chars = new Set(
      Array.from({ length: 200 }, nextId)
        .map((id) => id.slice(16))
        .join(''),
    )
    expect(chars.size).toBe(64)
  })
})
