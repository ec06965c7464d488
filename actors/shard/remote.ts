// Remote bidding: an interviewer whose console opted in may replace its local score with its own,
// within a clamp around the local score. It can never bypass capacity or eligibility (only bids
// that passed the hard filters are offered to it) and a silent bidder costs at most its deadline.
import { randomUUID } from 'node:crypto'
import type { Bid } from '../../client/model.ts'
import type { Requester } from '../runtime/requester.ts'
import { round4 } from '../scoring/scoring.ts'
import type { Subjects } from '../bus/subjects.ts'
import { pack, unpack, type RemoteBidReq, type ScoreReq } from './wire.ts'

/** A remote score may move the local one by at most this fraction of it (and at least 0.1). */
export const REMOTE_CLAMP = 0.2

export function clampRemote(local: number, remote: number): number {
  const d = Math.max(0.1, Math.abs(local) * REMOTE_CLAMP)
  if (!Number.isFinite(remote)) return local
  return round4(Math.min(local + d, Math.max(local - d, remote)))
}

/** Asks every remote bidder among `bids` in parallel; rewrites or drops those bids; re-sorts. */
export async function applyRemoteBids(bids: Bid[], remote: ReadonlySet<number>, r: ScoreReq, requester: Requester, subjects: Subjects): Promise<void> {
  const asks: Promise<void>[] = []
  const dropped = new Set<Bid>()
  for (const b of bids) {
    if (!remote.has(b.interviewer_id)) continue
    if (!r.req) continue
    const req: RemoteBidReq = { bid_id: randomUUID(), iv: b.interviewer_id, req: r.req, local: b.score, ms: r.remote_ms }
    asks.push(
      requester.gather([subjects.bidder(b.interviewer_id)], pack(req), r.remote_ms, 1).then((g) => {
        if (g.replies.length === 0) return
        const ans = unpack<{ score: number | null }>(g.replies[0])
        if (ans.score === null) dropped.add(b)
        else if (typeof ans.score === 'number') {
          b.score = clampRemote(b.score, ans.score)
          b.source = 'remote'
        }
      }),
    )
  }
  await Promise.all(asks)
  if (dropped.size) {
    const keep = bids.filter((b) => !dropped.has(b))
    bids.length = 0
    bids.push(...keep)
  }
  bids.sort((a, b) => b.score - a.score)
}
