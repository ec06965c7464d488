import { describe, expect, it } from 'vitest'
import { Actor, type ActorFailure } from './actor.ts'

type M = { type: 'add'; n: number } | { type: 'boom' } | { type: 'slow'; ms: number }

describe('Actor runtime', () => {
  it('handles one message at a time, in order, even when handlers are async', async () => {
    const log: string[] = []
    const a = new Actor<M>({
      name: 't',
      limit: 100,
      handle: async (m) => {
        if (m.type === 'slow') {
          log.push('slow:start')
          await new Promise((r) => setTimeout(r, m.ms))
          log.push('slow:end')
        } else if (m.type === 'add') log.push(`add:${m.n}`)
      },
    })
    a.tell({ type: 'slow', ms: 10 })
    a.tell({ type: 'add', n: 1 })
    a.tell({ type: 'add', n: 2 })
    await new Promise((r) => setTimeout(r, 40))
    expect(log).toEqual(['slow:start', 'slow:end', 'add:1', 'add:2'])
  })

  it('a full mailbox refuses (caller answers unavailable); force bypasses the limit', async () => {
    const a = new Actor<M>({ name: 't', limit: 2, handle: (m) => (m.type === 'slow' ? new Promise((r) => setTimeout(r, m.ms)) : undefined) })
    expect(a.tell({ type: 'slow', ms: 20 })).toBe(true)
    expect(a.tell({ type: 'add', n: 1 })).toBe(true)
    expect(a.tell({ type: 'add', n: 2 })).toBe(true)
    expect(a.tell({ type: 'add', n: 3 })).toBe(false)
    expect(a.tell({ type: 'add', n: 4 }, true)).toBe(true)
    expect(a.pending).toBe(3)
  })

  it('a throwing handler is contained, logged as a typed failure, restarted; its mailbox is kept', async () => {
    const failures: ActorFailure[] = []
    const seen: number[] = []
    let restarts = 0
    const a = new Actor<M>({
      name: 'iv:1',
      limit: 100,
      handle: (m) => {
        if (m.type === 'boom') throw new Error('kaput')
        if (m.type === 'add') seen.push(m.n)
      },
      onFailure: (f) => failures.push(f),
      restart: async () => {
        restarts++
        await new Promise((r) => setTimeout(r, 5))
      },
    })
    a.tell({ type: 'add', n: 1 })
    a.tell({ type: 'boom' })
    a.tell({ type: 'add', n: 2 })
    expect(seen).toEqual([1])
    await new Promise((r) => setTimeout(r, 20))
    expect(seen).toEqual([1, 2])
    expect(restarts).toBe(1)
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatchObject({ code: 'actor_failure', actor: 'iv:1', message_type: 'boom' })
    expect((failures[0].cause as Error).message).toBe('kaput')
    expect(a.failures).toBe(1)
  })

  it('shared handle / restart functions called with an owner behave like closures (failures restart it)', async () => {
    const owner = { sum: 0, restarts: 0 }
    const handleWith = (o: typeof owner, m: M): void => {
      if (m.type === 'boom') throw new Error('boom')
      if (m.type === 'add') o.sum += m.n
    }
    const restartWith = async (o: typeof owner): Promise<void> => {
      o.restarts++
    }
    const a = new Actor<M, typeof owner>({ name: 'o', limit: 10, owner, handleWith, restartWith })
    a.tell({ type: 'add', n: 2 })
    a.tell({ type: 'boom' })
    a.tell({ type: 'add', n: 3 })
    await new Promise((r) => setTimeout(r, 10))
    expect(owner).toEqual({ sum: 5, restarts: 1 })
    expect(a.failures).toBe(1)
  })
})
