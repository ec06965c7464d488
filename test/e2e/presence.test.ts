// Interviewer presence against the real server process (PRESENCE_GRACE_S=2): a console that drops
// its socket takes its interviewer offline after the grace, with an availability event saying why,
// its pending offer re-offered and its accepted interview kept; a console that reconnects within the
// grace keeps it online; an interviewer that never had a console is not touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AssignmentEvent, AvailabilityEvent, InterviewerState, RouteRequest, RouteResult, StateSnapshot } from '../../client/protocol.ts'
import { decodeFrame } from '../../client/codec.ts'
import { get, post, RawWs, startServer, type Frame, type ServerHandle } from './server.ts'

const GRACE_S = 2
let srv: ServerHandle
let states: InterviewerState[]
/** An operator's assignments stream, to see every availability and assignment event. */
let operator: RawWs
beforeAll(async () => {
  // Offers exist for interviewers whose console bids remotely (OFFER_TIMEOUT_S > 0).
  srv = await startServer({ env: { PRESENCE_GRACE_S: String(GRACE_S), OFFER_TIMEOUT_S: '600' } })
  states = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.interviewers
  operator = await RawWs.open(srv.wsUrl)
  await operator.call({ id: 'sub', type: 'subscribe', stream: 'assignments' })
})
afterAll(async () => {
  operator?.close()
  await srv?.dispose()
})

const stateOf = async (id: number) => (await get<InterviewerState>(`${srv.url}/v1/state/${id}`)).body
const requestFor = (s: InterviewerState, user_id: number): RouteRequest => ({
  topics: s.specializations.slice(0, 2),
  language: s.languages[0],
  budget: s.cost,
  sensitivity: false,
  sla_min: 10_000,
  user_id,
})
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const eventOf = (m: Frame) => (m.type === 'event' ? (m.event as AssignmentEvent | AvailabilityEvent) : null)
const availabilityEvents = (id: number) => operator.frames.map(eventOf).filter((e): e is AvailabilityEvent => e?.type === 'availability' && e.interviewer_id === id)

/** Polls until the interviewer's availability is `want`, for at most `ms`. */
async function waitAvailability(id: number, want: string, ms: number): Promise<InterviewerState> {
  const until = Date.now() + ms
  for (;;) {
    const s = await stateOf(id)
    if (s.availability === want || Date.now() > until) return s
    await sleep(100)
  }
}

/** A console for the interviewer: sets it online (bidding remotely with the highest score it can) and answers bid requests. */
async function console_(s: InterviewerState, tag: string): Promise<RawWs> {
  const ws = await RawWs.open(srv.wsUrl)
  ws.ws.on('message', (data: Buffer, isBinary: boolean) => {
    const m = decodeFrame(data, isBinary) as Frame
    if (m.type === 'bid_request') ws.send({ id: `bid-${String(m.bid_id)}`, type: 'bid', bid_id: m.bid_id, score: 1e9 })
  })
  const r = await ws.call<{ ok: boolean; result: { availability: string; remote_bidding: boolean } }>({
    id: `av-${tag}`,
    type: 'availability',
    interviewer_id: s.interviewer_id,
    availability: 'online',
    remote_bidding: true,
  })
  expect(r.ok).toBe(true)
  expect(r.result.remote_bidding).toBe(true)
  return ws
}

function pick(n: number): InterviewerState {
  const free = states.filter((s) => s.availability === 'online' && s.current_queue === 0 && s.capacity >= 3)
  return free[n]
}

describe('presence', () => {
  it('a console that drops its socket goes offline after the grace; its offer is re-offered, its accepted interview stays', async () => {
    const s = pick(0)
    const con = await console_(s, 'a')
    // Two routes this interviewer wins (its bids are clamped to the top score): one accepted, one left as an offer.
    const first = (await post<RouteResult>(`${srv.url}/v1/route`, requestFor(s, 11))).body
    const second = (await post<RouteResult>(`${srv.url}/v1/route`, requestFor(s, 12))).body
    expect(first).toMatchObject({ status: 'assigned', interviewer_id: s.interviewer_id })
    expect(second).toMatchObject({ status: 'assigned', interviewer_id: s.interviewer_id })
    const acc = await con.call<{ ok: boolean }>({ id: 'acc', type: 'accept', assignment_id: first.assignment_id })
    expect(acc.ok).toBe(true)

    con.ws.terminate()
    await con.closed
    // Within the grace it is still online.
    expect((await stateOf(s.interviewer_id)).availability).toBe('online')
    const after = await waitAvailability(s.interviewer_id, 'offline', GRACE_S * 1000 + 8000)
    expect(after.availability).toBe('offline')
    // The accepted interview stays; the offer went elsewhere.
    expect(after.current_queue).toBe(1)
    const ev = await operator.next<Frame>((m) => eventOf(m)?.type === 'availability' && eventOf(m)?.interviewer_id === s.interviewer_id)
    expect(ev.event).toMatchObject({ type: 'availability', availability: 'offline', previous: 'online', reason: 'presence_lost', reoffered: 1 })
    const cancelled = await operator.next<Frame>((m) => {
      const e = eventOf(m)
      return e?.type === 'assignment' && e.assignment_id === second.assignment_id && e.state === 'cancelled'
    })
    expect(eventOf(cancelled)).toMatchObject({ previous: 'offered' })
  })

  it('a console that reconnects within the grace keeps its interviewer online', async () => {
    const s = pick(1)
    const con = await console_(s, 'b1')
    con.ws.terminate()
    await con.closed
    const again = await console_(s, 'b2')
    await sleep(GRACE_S * 1000 + 1500)
    expect((await stateOf(s.interviewer_id)).availability).toBe('online')
    expect(availabilityEvents(s.interviewer_id)).toEqual([])
    // Dropping the second console for good: offline after the grace.
    again.ws.terminate()
    const after = await waitAvailability(s.interviewer_id, 'offline', GRACE_S * 1000 + 8000)
    expect(after.availability).toBe('offline')
    expect(availabilityEvents(s.interviewer_id)).toHaveLength(1)
  })

  it('an interviewer that never had a console keeps its availability', async () => {
    const s = pick(2)
    await sleep(GRACE_S * 1000 + 500)
    expect((await stateOf(s.interviewer_id)).availability).toBe('online')
    expect(availabilityEvents(s.interviewer_id)).toEqual([])
  })
})
