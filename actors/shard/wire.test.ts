// The batched router <-> host messages on the wire (MessagePack positional arrays): every message
// decodes to the shape it was sent in, and anything else is a WireError (or, for a score reply, no
// answer), never a crash.
import { describe, expect, it } from 'vitest'
import type { Bid } from '../../client/model.ts'
import type { RouteRequest } from '../../client/protocol.ts'
import {
  decodeCommitBatch,
  decodeCommitBatchReply,
  decodeScoreBatch,
  encodeCommitBatch,
  encodeCommitBatchReply,
  encodeScoreBatch,
  encodeScoreBatchReply,
  pack,
  tryDecodeScoreBatchReply,
  WireError,
  type CommitReq,
  type ScoreReq,
} from './wire.ts'

const REQ: RouteRequest = { user_id: 7, topics: ['FinTech'], language: 'English', budget: 80, sensitivity: false, sla_min: 60, request_id: 'r7' }

function bid(iv: number, score: number): Bid {
  return { interviewer_id: iv, score, factors: { topic: 1, experience: 0.6667, cost: 0.25, load: 1, fairness: 0.5, quality: 0.7 }, queue_depth: 2, estimated_start_min: 30, source: 'local' }
}

function score(lang: string, excl?: number[]): ScoreReq {
  const r: ScoreReq = { lang, topics: ['fintech', 'fraud'], budget: 80, sens: true, sla: 60, level: 2, k: 4, now: 1_700_000_000_000, remote_ms: 120, req: null }
  if (excl) r.excl = excl
  return r
}

function commit(iv: number): CommitReq {
  return {
    iv,
    score: 2.5,
    sla: 60,
    draft: {
      type: 'decision',
      decision_id: `d${iv}`,
      request_id: 'r7',
      user_id: 7,
      weights_version: 3,
      bids: [bid(iv, 2.5), bid(iv + 1, 2.1)],
      skipped_hosts: ['shard-1'],
      latency_us: 42,
      node_id: 'n1',
      at: '2026-01-01T00:00:00.000Z',
      request: REQ,
    },
  }
}

describe('batched messages on the wire', () => {
  it('a score batch decodes to its requests; anything else is a WireError', () => {
    const reqs = [score('english'), score('german', [3, 4])]
    expect(decodeScoreBatch(encodeScoreBatch({ reqs }))).toEqual({ reqs })
    expect(() => decodeScoreBatch(pack('nonsense'))).toThrow(WireError)
    expect(() => decodeScoreBatch(pack([['english', 'not topics']]))).toThrow(WireError)
  })

  it('a score batch reply keeps each request its own bids (with factors) and full count', () => {
    const lists = [[bid(1, 3), bid(2, 2.5)], [], [bid(9, 1.25)]]
    const got = tryDecodeScoreBatchReply(encodeScoreBatchReply({ shard: 1, node: 'n2', full: [0, 4, 1], lists }), 3)
    expect(got).toEqual({ shard: 1, node: 'n2', full: [0, 4, 1], lists })
    // Another number of requests than asked, or garbage: no answer (the host counts as skipped).
    expect(tryDecodeScoreBatchReply(encodeScoreBatchReply({ shard: 1, node: 'n2', full: [0, 4, 1], lists }), 2)).toBeNull()
    expect(tryDecodeScoreBatchReply(pack('nonsense'), 1)).toBeNull()
    expect(tryDecodeScoreBatchReply(new Uint8Array([0xc1]), 1)).toBeNull()
  })

  it('a commit batch carries each draft with all its bids; anything else is a WireError', () => {
    const items = [commit(1), commit(5)]
    expect(decodeCommitBatch(encodeCommitBatch({ items }))).toEqual({ items })
    expect(() => decodeCommitBatch(pack({ items: 1 }))).toThrow(WireError)
    expect(() => decodeCommitBatch(pack([[1, 2, 3]]))).toThrow(WireError)
  })

  it('a commit batch reply names the items it answers', () => {
    const result = { status: 'assigned' as const, user_id: 7, interviewer_id: 5, score: 2.5, assignment_id: 'a1', decision_id: 'd5' }
    const r = {
      idx: [1, 0],
      replies: [
        { ok: true as const, result },
        { ok: false as const, code: 'refused' as const, reason: 'full' },
      ],
    }
    expect(decodeCommitBatchReply(encodeCommitBatchReply(r))).toEqual(r)
    expect(() => decodeCommitBatchReply(pack([[0, 1], [[1, result]]]))).toThrow(WireError)
  })
})
