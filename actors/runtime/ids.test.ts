import { describe, expect, it } from 'vitest'
import { nextId } from './ids.ts'

describe('nextId', () => {
  it('gives distinct ids in UUID syntax', () => {
    const ids = Array.from({ length: 1000 }, nextId)
    expect(new Set(ids).size).toBe(1000)
    for (const id of ids.slice(0, 10)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })
})

describe('nextId across the counter table boundary', () => {
  it('stays distinct and well-formed past 65,536 ids', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 70_000; i++) seen.add(nextId())
    expect(seen.size).toBe(70_000)
    expect(nextId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })
})
