// The decision record of a route, built beside the domain model: the router drafts it before the
// commit (everything but the outcome) and whoever decides the outcome completes it. Plain data, so
// new fields (a model's prediction, say) are one line in the draft and one in recordOf.
import type { RouteResult } from '../../client/protocol.ts'
import type { DecisionRecord } from '../ports.ts'

/** The decision as the router knows it before the commit; the owning host completes it. */
export type DecisionDraft = Omit<DecisionRecord, 'status' | 'interviewer_id' | 'score' | 'result' | 'assignment_id'>

/**
 * The record of a drafted decision, built field by field: a spread plus extra fields takes a slow
 * path in V8 and this runs on every decision.
 */
export function recordOf(d: DecisionDraft, status: DecisionRecord['status'], interviewer_id: number | null, score: number | null, result: RouteResult, assignment_id: string | null): DecisionRecord {
  return {
    type: 'decision',
    decision_id: d.decision_id,
    request_id: d.request_id,
    user_id: d.user_id,
    status,
    interviewer_id,
    score,
    weights_version: d.weights_version,
    bids: d.bids,
    skipped_hosts: d.skipped_hosts,
    latency_us: d.latency_us,
    node_id: d.node_id,
    at: d.at,
    request: d.request,
    result,
    assignment_id,
  }
}
