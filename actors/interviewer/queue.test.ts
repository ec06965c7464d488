import { describe, expect, it } from 'vitest'
import type { Assignment } from '../model/types.ts'
import { interviewer } from '../testing/fixtures.ts'
import { InterviewerQueue } from './queue.ts'

let seq = 0
function asg(over: Partial<Assignment> = {}): Assignment {
  seq++
  return { id: `a${seq}`, request_id: null, decision_id: `d${seq}`, user_id: 1, interviewer_id: 1, score: 1, state: 'accepted', created_at: new Date(seq).toISOString(), updated_at: '', ...over }
}
const q2 = (over = {}) => new InterviewerQueue(interviewer(1, { concurrency: 1, capacity: 3, avg_duration_min: 30, ...over }))
const filter = { language: 'english', budget: 75, sensitivity: false, sla_min: 600 }

function reserveConfirm(q: InterviewerQueue, a = asg()): Assignment {
  const r = q.reserve(a, 600, Date.now())
  expect(r.ok).toBe(true)
  q.confirm(a.id)
  return a
}

describe('InterviewerQueue hard filters', () => {
  it('passes an eligible request', () => expect(q2().check(filter)).toBeNull())
  it('refuses another language', () => expect(q2().check({ ...filter, language: 'german' })).toBe('language'))
  it('refuses a cost above budget', () => expect(q2({ cost: 80 }).check(filter)).toBe('budget'))
  it('refuses a sensitive request without clearance', () => {
    expect(q2().check({ ...filter, sensitivity: true })).toBe('clearance')
    expect(q2({ clearance: true }).check({ ...filter, sensitivity: true })).toBeNull()
  })
  it('refuses when paused or offline', () => {
    const q = q2()
    q.setAvailability('paused')
    expect(q.check(filter)).toBe('paused')
    q.setAvailability('offline')
    expect(q.check(filter)).toBe('offline')
  })
  it('refuses when full', () => {
    const q = q2()
    for (let i = 0; i < 3; i++) reserveConfirm(q)
    expect(q.check(filter)).toBe('full')
  })
  it('refuses when the expected start is later than sla_min', () => {
    const q = q2()
    reserveConfirm(q)
    expect(q.check({ ...filter, sla_min: 10 })).toBe('sla')
    expect(q.check({ ...filter, sla_min: 30 })).toBeNull()
  })
})

describe('InterviewerQueue transitions', () => {
  it('estimates start from position, concurrency and duration', () => {
    const q = q2({ concurrency: 2, avg_duration_min: 20 })
    expect([0, 1, 2, 3, 4].map((p) => q.estimatedStart(p))).toEqual([0, 0, 20, 20, 40])
  })

  it('reserve: first slot active, later ones accepted (waiting), pending until confirmed', () => {
    const q = q2()
    const a = asg()
    const r = q.reserve(a, 600, 5)
    expect(r).toEqual({ ok: true, position: 0, estimated_start_min: 0, current_queue: 1 })
    expect(a.state).toBe('active')
    expect(q.entries[0].pending).toBe(true)
    expect(q.lastAssignedAt).toBe(5)
    const b = asg()
    expect(q.reserve(b, 600, 6)).toMatchObject({ ok: true, position: 1, estimated_start_min: 30 })
    expect(b.state).toBe('accepted')
    expect(q.confirm(a.id)).toEqual([])
    expect(q.entries[0].pending).toBe(false)
  })

  it('reserve refuses beyond capacity (no over-booking even while pending)', () => {
    const q = q2()
    for (let i = 0; i < 3; i++) expect(q.reserve(asg(), 600, 0).ok).toBe(true)
    expect(q.reserve(asg(), 600, 0)).toEqual({ ok: false, reason: 'full' })
    expect(q.occupancy).toBe(3)
  })

  it('release frees a pending slot and promotes the next durable one', () => {
    const q = q2()
    const a = asg()
    q.reserve(a, 600, 0)
    const b = reserveConfirm(q)
    expect(b.state).toBe('accepted')
    expect(q.release(a.id)).toEqual([b])
    expect(b.state).toBe('active')
    expect(q.occupancy).toBe(1)
    expect(q.release(b.id)).toBeNull()
  })

  it('release of the newest reservation restores the idle time (a failed commit changes nothing)', () => {
    const q = q2()
    reserveConfirm(q)
    const before = q.lastAssignedAt
    const a = asg()
    q.reserve(a, 600, before + 1000)
    expect(q.lastAssignedAt).toBe(before + 1000)
    q.release(a.id)
    expect(q.lastAssignedAt).toBe(before)
  })

  it('complete: only the oldest active durable assignment, then the next waits no more', () => {
    const q = q2()
    const a = reserveConfirm(q)
    const b = reserveConfirm(q)
    expect(q.oldestActive()?.a).toBe(a)
    const e = q.begin(a.id, 'completed')
    expect('a' in e).toBe(true)
    expect(q.begin(a.id, 'completed')).toEqual({ ok: false, reason: 'busy' })
    expect(q.oldestActive()).toBeNull()
    expect(q.finish(a.id, 'completed', 'now')).toEqual([b])
    expect(a.state).toBe('completed')
    expect(b.state).toBe('active')
    expect(q.occupancy).toBe(1)
  })

  it('complete refuses a waiting assignment and a pending one', () => {
    const q = q2()
    const a = asg()
    q.reserve(a, 600, 0)
    expect(q.begin(a.id, 'completed')).toEqual({ ok: false, reason: 'busy' })
    q.confirm(a.id)
    const b = reserveConfirm(q)
    expect(q.begin(b.id, 'completed')).toEqual({ ok: false, reason: 'not_active' })
  })

  it('cancel of a waiting or active assignment frees its slot', () => {
    const q = q2()
    const a = reserveConfirm(q)
    const b = reserveConfirm(q)
    q.begin(b.id, 'cancelled')
    expect(q.finish(b.id, 'cancelled', 'now')).toEqual([])
    q.begin(a.id, 'cancelled')
    q.finish(a.id, 'cancelled', 'now')
    expect(q.occupancy).toBe(0)
  })

  it('abort leaves the assignment as it was', () => {
    const q = q2()
    const a = reserveConfirm(q)
    q.begin(a.id, 'cancelled')
    q.abort(a.id)
    expect(q.entries[0].busy).toBe(false)
    expect(q.oldestActive()?.a).toBe(a)
  })

  it('offers: accept makes it active, expiry frees it, other transitions are refused', () => {
    const q = q2()
    const o = asg({ state: 'offered' })
    q.reserve(o, 600, 0)
    q.confirm(o.id)
    expect(o.state).toBe('offered')
    expect(q.oldestActive()).toBeNull()
    expect(q.begin(o.id, 'completed')).toEqual({ ok: false, reason: 'not_active' })
    q.begin(o.id, 'accepted')
    q.finish(o.id, 'accepted', 'now')
    expect(o.state).toBe('active')
    expect(q.begin(o.id, 'accepted')).toEqual({ ok: false, reason: 'not_offered' })
    const p = asg({ state: 'offered' })
    q.reserve(p, 600, 0)
    q.confirm(p.id)
    q.begin(p.id, 'expired')
    q.finish(p.id, 'expired', 'now')
    expect(p.state).toBe('expired')
    expect(q.occupancy).toBe(1)
  })

  it('unknown assignments are not_found', () => {
    expect(q2().begin('nope', 'cancelled')).toEqual({ ok: false, reason: 'not_found' })
  })

  it('restore, append and clear', () => {
    const q = q2()
    const a = asg({ state: 'active' })
    const b = asg({ state: 'accepted' })
    q.restore([a, b])
    expect(q.occupancy).toBe(2)
    expect(q.active).toBe(1)
    expect(q.waiting).toBe(1)
    const c = asg()
    expect(q.append(c)).toEqual([])
    expect(q.append(c)).toEqual([])
    expect(q.occupancy).toBe(3)
    expect(q.clear()).toBe(3)
    expect(q.occupancy).toBe(0)
  })
})

describe('InterviewerQueue promotions with a confirm outside the active window', () => {
  it('a waiting entry that reached the window while pending is promoted at its confirm', () => {
    const q = q2({ capacity: 5 })
    const a = reserveConfirm(q)
    const b = asg()
    expect(q.reserve(b, 600, Date.now()).ok).toBe(true)
    const c = asg()
    expect(q.reserve(c, 600, Date.now()).ok).toBe(true)
    expect(q.confirm(c.id)).toEqual([]) // outside the window: nothing to promote
    const done = q.begin(a.id, 'completed')
    expect('a' in done).toBe(true)
    expect(q.finish(a.id, 'completed', 'now')).toEqual([]) // b is in the window but still pending
    expect(q.confirm(b.id)?.map((x) => x.id)).toEqual([b.id])
    expect(b.state).toBe('active')
  })

  it('an aborted transition leaves the window to be scanned again at the next confirm, even outside it', () => {
    const q = q2({ capacity: 5 })
    const a = reserveConfirm(q)
    const b = reserveConfirm(q)
    expect(b.state).toBe('accepted')
    expect('a' in q.begin(b.id, 'cancelled')).toBe(true) // b busy
    expect('a' in q.begin(a.id, 'completed')).toBe(true)
    expect(q.finish(a.id, 'completed', 'now')).toEqual([]) // b reaches the window, busy: not promoted
    q.abort(b.id) // the cancel failed: b is idle in the window, still accepted
    const c = asg()
    expect(q.reserve(c, 600, Date.now()).ok).toBe(true)
    expect(q.confirm(c.id)?.map((x) => x.id)).toEqual([b.id])
  })
})

describe('InterviewerQueue outcomes', () => {
  it('a completion updates the history stats and the quality factor at once', () => {
    const q = new InterviewerQueue(interviewer(1, { rating: 4 }), { interviewer_id: 1, interviews: 10, completed: 5, avg_rating: 3 })
    const q0 = q.quality
    q.recordOutcome('completed', 5)
    expect(q.stats).toMatchObject({ interviews: 11, completed: 6, avg_rating: 3 + 2 / 6 })
    expect(q.quality).toBeGreaterThan(q0)
    const q1 = q.quality
    q.recordOutcome('no_show', null)
    q.recordOutcome('abandoned', null)
    expect(q.stats).toMatchObject({ interviews: 13, completed: 6 })
    expect(q.quality).toBeLessThan(q1)
    const fresh = new InterviewerQueue(interviewer(2))
    fresh.recordOutcome('completed', 4)
    expect(fresh.stats).toMatchObject({ interviews: 1, completed: 1, avg_rating: 4 })
  })
})
