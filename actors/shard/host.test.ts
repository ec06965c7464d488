// The shard host on its own, spoken to as a router would over NATS: encoded plain wire messages in
// (score and commit batches), encoded bids and commit replies out, and garbage dropped, not fatal.
import { describe, expect, it, vi } from 'vitest'
import type { RouteRequest } from '../../client/protocol.ts'
import { LocalBus } from '../bus/local.ts'
import type { BusMsg } from '../bus/types.ts'
import { subjects } from '../bus/subjects.ts'
import { GroupCommitter } from '../commit/committer.ts'
import { Requester } from '../runtime/requester.ts'
import { WeightsBook } from '../scoring/weights.ts'
import { FakeStore } from '../testing/fake-store.ts'
import { interviewer } from '../testing/fixtures.ts'
import { silentLogger } from '../../server/log.ts'
import { ShardHost } from './host.ts'
import { decodeCommitBatchReply, encodeCommitBatch, encodeScoreBatch, pack, tryDecodeScoreBatchReply, unpack, type CommitReq, type ScoreReq } from './wire.ts'

const REQ: RouteRequest = { user_id: 9, topics: ['FinTech'], language: 'English', budget: 80, sensitivity: false, sla_min: 600, request_id: 'r9' }
const SCORE: ScoreReq = { lang: 'english', topics: ['fintech'], budget: 80, sens: false, sla: 600, level: 1, k: 4, now: Date.now(), remote_ms: 10, req: null }

async function setup() {
  const bus = new LocalBus()
  // As on NATS: every message is encoded, the host decodes it.
  Object.defineProperty(bus, 'publishValue', { value: undefined })
  const s = subjects('host')
  const store = new FakeStore({
    interviewers: [interviewer(1, { cost: 40, capacity: 1 }), interviewer(2, { cost: 60, capacity: 2 }), interviewer(3, { cost: 200 }), interviewer(4, { languages: ['German'] })],
  })
  const host = new ShardHost({
    bus,
    subjects: s,
    shardIndex: 0,
    shardCount: 1,
    nodeId: 'n1',
    committer: new GroupCommitter({ log: store, maxBatch: 16, maxDelayMs: 0 }),
    store,
    weights: new WeightsBook(),
    requester: new Requester(bus),
    mailboxLimit: 100,
    offerTimeoutMs: 0,
    log: silentLogger,
    onAssignment: () => {},
  })
  await host.load()
  host.start()
  const replies: BusMsg[] = []
  bus.subscribe('inbox.test', (m) => replies.push(m))
  const ask = async (subject: string, data: Uint8Array, n = 1): Promise<Uint8Array[]> => {
    const from = replies.length
    bus.publish(subject, data, 'inbox.test')
    await vi.waitFor(() => expect(replies.length - from).toBeGreaterThanOrEqual(n))
    return replies.slice(from, from + n).map((m) => m.data)
  }
  return { bus, s, store, host, ask, replies }
}

function commit(iv: number, decision: string): CommitReq {
  return {
    iv,
    score: 1.5,
    sla: 600,
    draft: {
      type: 'decision',
      decision_id: decision,
      request_id: null,
      user_id: 9,
      weights_version: 1,
      bids: [],
      skipped_hosts: [],
      latency_us: 1,
      node_id: 'n1',
      at: new Date().toISOString(),
      request: REQ,
    },
  }
}

describe('shard host', () => {
  it('answers a score batch with one reply: per request its eligible bids, best first', async () => {
    const t = await setup()
    const [data] = await t.ask(t.s.score(0), encodeScoreBatch({ reqs: [SCORE, { ...SCORE, excl: [1] }, { ...SCORE, lang: 'german' }, { ...SCORE, budget: 10 }] }))
    const rep = tryDecodeScoreBatchReply(data, 4)
    expect(rep).not.toBeNull()
    expect(rep?.shard).toBe(0)
    const ids = rep?.lists.map((l) => l.map((b) => b.interviewer_id).sort())
    // Interviewer 3 is over budget; 4 speaks German only; the second request excludes 1.
    expect(ids).toEqual([[1, 2], [2], [4], []])
    for (const l of rep?.lists ?? []) for (let i = 1; i < l.length; i++) expect(l[i - 1].score).toBeGreaterThanOrEqual(l[i].score)
    t.host.stop()
  })

  it('commits batch items on the owning actor: assigned once durable, refused when full, not_found elsewhere', async () => {
    const t = await setup()
    const [data] = await t.ask(t.s.commit(0), encodeCommitBatch({ items: [commit(1, 'd1'), commit(1, 'd2'), commit(99, 'd3')] }), 1)
    // Answers leave as the actors decide: gather until all three items are answered.
    const answers = new Map<number, unknown>()
    const add = (d: Uint8Array): void => {
      const r = decodeCommitBatchReply(d)
      for (let n = 0; n < r.idx.length; n++) answers.set(r.idx[n], r.replies[n])
    }
    add(data)
    await vi.waitFor(() => {
      for (const m of t.replies.slice(1)) add(m.data)
      expect(answers.size).toBe(3)
    })
    expect(answers.get(0)).toMatchObject({ ok: true, result: { status: 'assigned', interviewer_id: 1, decision_id: 'd1' } })
    expect(answers.get(1)).toMatchObject({ ok: false, code: 'refused' })
    expect(answers.get(2)).toMatchObject({ ok: false, code: 'not_found' })
    expect([...t.store.decisions.values()].map((d) => [d.decision_id, d.status])).toEqual([['d1', 'assigned']])
    t.host.stop()
  })

  it('drops unreadable messages and keeps answering', async () => {
    const t = await setup()
    t.bus.publish(t.s.score(0), pack('nonsense'), 'inbox.test')
    t.bus.publish(t.s.commit(0), new Uint8Array([0xc1]), 'inbox.test')
    t.bus.publish(t.s.ctl(0), new Uint8Array([0xc1]), 'inbox.test')
    // Only the control request is answered: a typed refusal.
    await vi.waitFor(() => expect(t.replies).toHaveLength(1))
    expect(unpack(t.replies[0].data)).toMatchObject({ ok: false, code: 'invalid' })
    const [data] = await t.ask(t.s.score(0), encodeScoreBatch({ reqs: [SCORE] }))
    expect(tryDecodeScoreBatchReply(data, 1)?.lists[0].length).toBe(2)
    expect(t.replies).toHaveLength(2)
    t.host.stop()
  })
})
