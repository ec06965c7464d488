// Remote bidding: an interviewer connection that opted in gets each scoring request as a
// `bid_request` push and may answer with a `bid`. The answer is validated and clamped to what a
// local score could reach; a late or missing answer resolves to null (the actor's own score), so a
// stalling client never holds a decision past its deadline.
import type { RemoteBidder, RoutingEngine } from '../../actors/engine.ts'
import { FACTOR_NAMES } from '../../actors/model/types.ts'
import type { BidAck } from '../../client/protocol.ts'
import { Frames, type Conn, type Writer } from './conn.ts'
import type { GatewayMetrics } from './metrics.ts'

/** Most pending bid requests one connection may hold; beyond that the actor scores locally. */
const MAX_PENDING = 1024

/** Highest score a bid can honestly reach: every factor at 1 under the current weights. */
export function maxScore(engine: RoutingEngine): number {
  const w = engine.weights()
  let sum = 0
  for (const f of FACTOR_NAMES) sum += Math.max(0, w[f])
  return sum
}

export function clampBid(score: number | null, max: number): number | null {
  if (score === null || !Number.isFinite(score)) return null
  return Math.min(Math.max(score, 0), max)
}

export function makeBidder(conn: Conn, writer: Writer, metrics: GatewayMetrics): RemoteBidder {
  return (req) => {
    if (conn.closed || conn.pendingBids.size >= MAX_PENDING) return Promise.resolve(null)
    metrics.remoteBids++
    return new Promise<number | null>((resolve) => {
      const timer = setTimeout(
        () => {
          if (conn.pendingBids.delete(req.bid_id)) metrics.remoteBidTimeouts++
          resolve(null)
        },
        Math.max(0, req.deadline_ms),
      )
      conn.pendingBids.set(req.bid_id, { resolve, timer, interviewer_id: req.interviewer_id, local_score: req.local_score })
      writer.push(conn, new Frames({ type: 'bid_request', ...req }))
    })
  }
}

/** Applies a client's `bid`: resolves the waiting actor with the clamped score. */
export function settleBid(conn: Conn, engine: RoutingEngine, bidId: string, score: number | null): BidAck {
  const pending = conn.pendingBids.get(bidId)
  if (!pending) return { accepted: false, score: null }
  conn.pendingBids.delete(bidId)
  clearTimeout(pending.timer)
  const clamped = clampBid(score, maxScore(engine))
  pending.resolve(clamped)
  return { accepted: true, score: clamped }
}

/** On close: unregister every bidder and let waiting actors fall back to their own score at once. */
export function disposeBidders(conn: Conn): void {
  for (const dispose of conn.bidders.values()) dispose()
  conn.bidders.clear()
  for (const p of conn.pendingBids.values()) {
    clearTimeout(p.timer)
    p.resolve(null)
  }
  conn.pendingBids.clear()
}
