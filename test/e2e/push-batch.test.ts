// Batched pushes over the real server: a subscription with batch_ms gets its events as `events`
// frames (every event once, in order), an unbatched one as `event` frames, and a batch_ms out of
// range is refused by the validator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StateSnapshot } from '../../client/protocol.ts'
import { get, post, RawWs, startServer, type Frame, type ServerHandle } from './server.ts'

describe('batched pushes', () => {
  let srv: ServerHandle
  beforeAll(async () => {
    srv = await startServer()
  })
  afterAll(async () => {
    await srv?.dispose()
  })

  it('batch_ms delivers every decision in `events` frames; a plain subscriber gets one `event` each', async () => {
    const batched = await RawWs.open(srv.wsUrl)
    const plain = await RawWs.open(srv.wsUrl)
    expect(await batched.call({ id: 'b', type: 'subscribe', stream: 'decisions', batch_ms: 1000 })).toMatchObject({ ok: true, result: { subscribed: 'decisions', batch_ms: 1000 } })
    expect(await plain.call({ id: 'p', type: 'subscribe', stream: 'decisions' })).toMatchObject({ ok: true })
    const s = (await get<StateSnapshot>(`${srv.url}/v1/state`)).body.interviewers.find((x) => x.availability === 'online')!
    const requests = Array.from({ length: 5 }, (_, i) => ({ user_id: 100 + i, topics: s.specializations, language: s.languages[0], budget: 1000, sensitivity: false, sla_min: 60 }))
    const res = await post<{ results: { decision_id: string }[] }>(`${srv.url}/v1/route/batch`, { requests })
    expect(res.status).toBe(200)
    const ids = res.body.results.map((r) => r.decision_id)
    const seen = (frames: Frame[], type: string) => frames.filter((f) => f.type === type).flatMap((f) => (type === 'events' ? (f.events as Frame[]) : [f.event as Frame]))
    await batched.next(() => seen(batched.frames, 'events').length >= 5)
    await plain.next(() => seen(plain.frames, 'event').length >= 5)
    expect(batched.frames.some((f) => f.type === 'event')).toBe(false)
    for (const f of batched.frames.filter((x) => x.type === 'events')) expect(f.stream).toBe('decisions')
    expect(seen(batched.frames, 'events').map((e) => e.decision_id)).toEqual(seen(plain.frames, 'event').map((e) => e.decision_id))
    expect(new Set(seen(batched.frames, 'events').map((e) => e.decision_id))).toEqual(new Set(ids))
    batched.close()
    plain.close()
  })

  it('a batch_ms past the limit is invalid, naming the field', async () => {
    const ws = await RawWs.open(srv.wsUrl)
    const r = await ws.call({ id: 'x', type: 'subscribe', stream: 'decisions', batch_ms: 60_000 })
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid' } })
    expect(JSON.stringify(r)).toContain('batch_ms')
    ws.close()
  })
})
