import { describe, expect, it } from 'vitest'
import type { Assignment } from '../model/types.ts'
import { InterviewerQueue } from '../interviewer/queue.ts'
import { interviewer } from '../testing/fixtures.ts'
import { adoptSnapshot, captureQueue, mergeOpen, replayFrom } from './snapshot.ts'

const T0 = Date.parse('2026-01-01T00:00:00.000Z')
function asg(id: string, iv: number, at: number, state: Assignment['state'] = 'accepted'): Assignment {
  const t = new Date(T0 + at).toISOString()
  return { id, request_id: null, decision_id: `d-${id}`, user_id: 1, interviewer_id: iv, score: 1, state, created_at: t, updated_at: t }
}

describe('snapshot capture', () => {
  it('captures durable entries, leaves pending ones out and moves the watermark before them', () => {
    const q = new InterviewerQueue(interviewer(1, { capacity: 5, concurrency: 1 }))
    q.restore([asg('a', 1, 0)])
    const r = q.reserve(asg('b', 1, 1000), 1000, T0 + 1000)
    expect(r.ok).toBe(true)
    q.availability = 'paused'
    const s = captureQueue(q, T0 + 60_000, 10_000)
    expect(s.entries.map((a) => a.id)).toEqual(['a'])
    expect(s.availability).toBe('paused')
    expect(s.last_assigned_at).toBe(T0 + 1000)
    expect(s.watermark).toBe(new Date(T0 + 1000).toISOString())
    // Without pending work the watermark is the capture time less the grace margin.
    q.confirm('b')
    expect(captureQueue(q, T0 + 60_000, 10_000).watermark).toBe(new Date(T0 + 50_000).toISOString())
  })

  it('a captured snapshot is a copy: later queue changes do not show through', () => {
    const q = new InterviewerQueue(interviewer(1, { capacity: 5 }))
    q.restore([asg('a', 1, 0)])
    const s = captureQueue(q, T0)
    q.clear()
    expect(s.entries).toHaveLength(1)
  })
})

describe('restore merge', () => {
  const snap = (iv: number, entries: Assignment[], wm: number) => ({ interviewer_id: iv, availability: 'online' as const, last_assigned_at: 0, watermark: new Date(T0 + wm).toISOString(), entries })

  it('applies changed rows over the snapshots: closed ones leave, new ones join, in creation order', () => {
    const snaps = [snap(1, [asg('a', 1, 0), asg('b', 1, 10)], 100), snap(2, [asg('c', 2, 5)], 50)]
    const changed = [asg('b', 1, 10, 'completed'), asg('d', 1, 200), asg('e', 2, 1)]
    const open = mergeOpen(snaps, changed, [asg('f', 3, 3)])
    expect(open.map((a) => a.id)).toEqual(['a', 'e', 'f', 'c', 'd'])
    expect(replayFrom(snaps)).toBe(new Date(T0 + 50).toISOString())
  })

  it('a changed row wins over the snapshot copy of it (state moved on)', () => {
    const open = mergeOpen([snap(1, [asg('a', 1, 0, 'offered')], 0)], [asg('a', 1, 0, 'active')], [])
    expect(open[0].state).toBe('active')
  })

  it('no snapshots: nothing to replay from', () => {
    expect(replayFrom([])).toBeNull()
  })

  it('adopting a snapshot restores availability and keeps the later fairness clock', () => {
    const q = new InterviewerQueue(interviewer(1))
    q.restore([asg('a', 1, 500)])
    adoptSnapshot(q, { availability: 'offline', last_assigned_at: T0 + 100 })
    expect(q.availability).toBe('offline')
    expect(q.lastAssignedAt).toBe(T0 + 500)
    adoptSnapshot(q, { availability: 'online', last_assigned_at: T0 + 900 })
    expect(q.lastAssignedAt).toBe(T0 + 900)
  })
})
