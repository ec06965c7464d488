// The presence wiring over a stand-in engine: offline + re-offer on expiry, nothing when the
// interviewer is already offline or a console came back, and the event says why.
import { describe, expect, it } from 'vitest'
import type { RoutingEngine } from '../../actors/engine.ts'
import type { AssignmentEvent, Availability, AvailabilityEvent, InterviewerState } from '../../client/protocol.ts'
import { silentLogger } from '../log.ts'
import { PresenceMonitor } from './monitor.ts'

function engineStub(availability: Availability) {
  const calls: string[] = []
  let listener: ((e: AssignmentEvent) => void) | null = null
  const state = { availability } as InterviewerState
  const engine = {
    onAssignment: (l: (e: AssignmentEvent) => void) => {
      listener = l
      return () => (listener = null)
    },
    stateOf: async () => state,
    setAvailability: async (iv: number, av: Availability) => {
      calls.push(`availability ${iv} ${av}`)
      state.availability = av
      return state
    },
    reject: async (aid: string) => {
      calls.push(`reject ${aid}`)
      return { status: 'assigned', user_id: 1 }
    },
  } as unknown as RoutingEngine
  const offer = (aid: string, iv: number, st: AssignmentEvent['state'], previous: AssignmentEvent['previous']) =>
    listener!({ type: 'assignment', assignment_id: aid, interviewer_id: iv, user_id: 1, state: st, previous, current_queue: 1, at: '' })
  return { engine, calls, offer }
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms))

function monitor(engine: RoutingEngine) {
  const events: AvailabilityEvent[] = []
  const m = new PresenceMonitor({ engine, graceMs: 20, nodeId: 'n1', log: silentLogger, announce: (e) => events.push(e) })
  return { m, events }
}

describe('PresenceMonitor', () => {
  it('takes the interviewer offline after the grace and re-offers its open offers only', async () => {
    const { engine, calls, offer } = engineStub('online')
    const { m, events } = monitor(engine)
    offer('x', 7, 'offered', null)
    offer('y', 7, 'offered', null)
    offer('y', 7, 'accepted', 'offered')
    m.connected(7, 's1')
    m.disconnected(7, 's1')
    await tick(80)
    expect(calls).toEqual(['availability 7 offline', 'reject x'])
    expect(events).toEqual([expect.objectContaining({ interviewer_id: 7, availability: 'offline', previous: 'online', reason: 'presence_lost', reoffered: 1, node_id: 'n1' })])
    m.stop()
  })

  it('does nothing for an interviewer already offline or whose console came back', async () => {
    const off = engineStub('offline')
    const a = monitor(off.engine)
    a.m.connected(1, 's')
    a.m.disconnected(1, 's')
    const on = engineStub('online')
    const b = monitor(on.engine)
    b.m.connected(2, 's')
    b.m.disconnected(2, 's')
    await tick(5)
    b.m.connected(2, 't')
    await tick(80)
    expect(off.calls).toEqual([])
    expect(a.events).toEqual([])
    expect(on.calls).toEqual([])
    expect(b.events).toEqual([])
    a.m.stop()
    b.m.stop()
  })
})
