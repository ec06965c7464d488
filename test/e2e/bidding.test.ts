// Remote bidding against the real server: interviewer clients opt in over the WebSocket; an honest
// bidder's score is used, a lying one (1e9) is clamped and still cannot exceed capacity, and a
// silent one never stops a decision from being made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type RouterClient } from '../../client/sdk/index.ts'
import type { InterviewerState, RouteRequest, ServerPush, StateSnapshot } from '../../client/protocol.ts'
import { get, startServer, type ServerHandle } from './server.ts'

type BidRequest = Extract<ServerPush, { type: 'bid_request' }>
let srv: ServerHandle
let states: InterviewerState[]
beforeAll(async () => {
  // Offers (offered → accept/reject) are made to interviewers whose console is connected.
  srv = await startServer({ env: { OFFER_TIMEOUT_S: '60' } })
  states = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.interviewers
})
afterAll(async () => {
  await srv?.dispose()
})

/** A request interviewer `s` passes every hard filter for. */
const requestFor = (s: InterviewerState, user_id: number): RouteRequest => ({
  topics: s.specializations.slice(0, 2),
  language: s.languages[0],
  budget: s.cost,
  sensitivity: false,
  sla_min: 10_000,
  user_id,
})

/** Connects as the interviewer's console, opts in to bidding, answers bid requests with `answer`. */
async function bidder(
  s: InterviewerState,
  answer: (req: BidRequest) => number | null | 'silent',
): Promise<{ client: RouterClient; asked: BidRequest[]; acks: { accepted: boolean; score: number | null }[] }> {
  const client = await connect(srv.wsUrl)
  const asked: BidRequest[] = []
  const acks: { accepted: boolean; score: number | null }[] = []
  client.on('bid_request', (req) => {
    asked.push(req)
    const a = answer(req)
    if (a !== 'silent') void client.bid(req.bid_id, a).then((ack) => acks.push(ack))
  })
  const reply = await client.availability(s.interviewer_id, 'online', { remote_bidding: true })
  expect(reply.remote_bidding).toBe(true)
  return { client, asked, acks }
}

function pick(n: number, minCapacity = 1): InterviewerState {
  const free = states.filter((s) => s.availability === 'online' && s.current_queue === 0 && s.capacity >= minCapacity)
  return free[n % free.length]
}

describe('remote bidding', () => {
  it('honest bidder: its bids are asked for, accepted and used', async () => {
    const s = pick(0)
    const b = await bidder(s, (req) => req.local_score)
    const route = await connect(srv.wsUrl)
    const r = await route.route(requestFor(s, 101))
    expect(['assigned', 'queued']).toContain(r.status)
    expect(b.asked.length).toBeGreaterThan(0)
    expect(b.asked[0]).toMatchObject({ interviewer_id: s.interviewer_id, request: { user_id: 101 } })
    await until(() => b.acks.length > 0)
    expect(b.acks[0].accepted).toBe(true)
    b.client.close()
    route.close()
  })

  it('lying bidder (1e9): clamped, and never past capacity', async () => {
    const s = pick(1)
    const b = await bidder(s, () => 1e9)
    const route = await connect(srv.wsUrl)
    for (let i = 0; i < s.capacity + 3; i++) await route.route(requestFor(s, 200 + i))
    const after = (await get<InterviewerState>(`${srv.url}/v1/state/${s.interviewer_id}`)).body
    expect(after.current_queue).toBeLessThanOrEqual(after.capacity)
    await until(() => b.acks.length > 0)
    for (const ack of b.acks) if (ack.accepted) expect(ack.score).toBeLessThan(1e9)
    b.client.close()
    route.close()
  })

  it('silent bidder: decisions are still made (the actor falls back to its own score)', async () => {
    const s = pick(2)
    const b = await bidder(s, () => 'silent')
    const route = await connect(srv.wsUrl)
    const results = await Promise.all([0, 1, 2].map((i) => route.route(requestFor(s, 300 + i))))
    for (const r of results) expect(['assigned', 'queued', 'at_capacity']).toContain(r.status)
    expect(b.asked.length).toBeGreaterThan(0)
    const metrics = (await get<string>(`${srv.url}/metrics`)).body
    expect(metrics).toMatch(/router_remote_bid_timeouts_total [1-9]/)
    b.client.close()
    route.close()
  })

  it('a bid for an unknown bid_id is refused, and an interviewer can opt out', async () => {
    const s = pick(3)
    const b = await bidder(s, () => 'silent')
    expect(await b.client.bid('no-such-bid', 1)).toEqual({ accepted: false, score: null })
    const off = await b.client.availability(s.interviewer_id, 'online', { remote_bidding: false })
    expect(off.remote_bidding).toBe(false)
    b.client.close()
  })
})

describe('offers', () => {
  it('an interviewer console gets offers and accepts or rejects them', async () => {
    states = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.interviewers
    const s = pick(0, 3)
    // Bidding high (clamped) makes this interviewer the likely winner.
    const b = await bidder(s, () => 1e9)
    const offers: Extract<ServerPush, { type: 'offer' }>[] = []
    b.client.on('offer', (o) => offers.push(o))
    const route = await connect(srv.wsUrl)
    const results = []
    for (let i = 0; i < 6; i++) results.push(await route.route(requestFor(s, 401 + i)))
    const mine = results.filter((r) => r.interviewer_id === s.interviewer_id && r.assignment_id)
    expect(mine.length).toBeGreaterThanOrEqual(2)
    await until(() => offers.length >= mine.length)
    for (const r of mine) expect(offers.map((o) => o.assignment_id)).toContain(r.assignment_id)
    for (const o of offers) expect(o).toMatchObject({ interviewer_id: s.interviewer_id, expires_at: expect.any(String) })
    expect(await b.client.accept(mine[0].assignment_id!)).toMatchObject({ status: 'accepted' })
    expect(['assigned', 'queued', 'no_candidates', 'at_capacity']).toContain((await b.client.reject(mine[1].assignment_id!)).status)
    b.client.close()
    route.close()
  })
})

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10))
}
