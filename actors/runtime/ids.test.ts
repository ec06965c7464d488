import { describe, expect, it } from 'vitest'
import { nextId } from './ids.ts'

describe('nextId', () => {
  it('gives distinct ids in UUID syntax', () => {
    const ids = Array.from({ length: 1000 }, nextId)
    expect(new Set(ids).size).toBe(1000)
    for (const id of ids.slice(0, 10)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
  })
})
