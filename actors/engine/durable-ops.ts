// The engine's durability chores kept out of engine.ts: routing the user of an ended offer again
// (rejected, or lapsed), and recording an operator action (audit row, then a snapshot of the new state).
import type { Logger, AssignmentLog, AuditLog } from '../ports.ts'
import type { Assignment } from '../model/types.ts'
import type { RouteRequest, RouteResult } from '../../client/protocol.ts'
import { EngineError } from '../engine.ts'
import type { Router } from '../router/router.ts'
import type { Snapshotter } from '../snapshot/snapshotter.ts'

interface AgainDeps {
  router: Pick<Router, 'again'>
  store: Pick<AssignmentLog, 'findDecisionByRequestId'>
}

/**
 * An offer ended (rejected, or timed out: the reliable-queue idea): its slot is back in the pool and
 * the user is routed again, never to the interviewer of that offer. An offer restored after a crash
 * has no request in memory; the stored decision of its request_id supplies it. `not_found` when
 * there is no request to route again.
 */
export async function routeAgain(deps: AgainDeps, a: Assignment, known: RouteRequest | undefined): Promise<RouteResult> {
  let stored = known
  if (!stored && a.request_id) {
    const d = await deps.store.findDecisionByRequestId(a.request_id).catch((err: unknown) => {
      throw new EngineError('unavailable', 'the offer’s request could not be read', { cause: err })
    })
    stored = d?.request
  }
  if (!stored) throw new EngineError('not_found', 'the rejected offer cannot be routed again')
  const req: RouteRequest = { ...stored, user_id: a.user_id }
  delete req.request_id
  return deps.router.again(req, [a.interviewer_id])
}

/** A lapsed offer routed again; nobody else qualifying leaves the expiry (already pushed) as the answer. */
export async function reofferExpired(deps: AgainDeps & { log: Logger }, a: Assignment, known: RouteRequest | undefined): Promise<void> {
  try {
    await routeAgain(deps, a, known)
  } catch (err) {
    if (!(err instanceof EngineError && err.code === 'not_found')) deps.log.warn({ err, assignment_id: a.id }, 'expired offer not routed again')
  }
}

/** Records an operator action durably (when the store keeps an audit log) and snapshots the new state. */
export async function auditAndSnapshot(store: object, snapshotter: Snapshotter | null, log: Logger, actor: string, action: string, details: Record<string, unknown>): Promise<void> {
  if ('appendAudit' in store && typeof store.appendAudit === 'function') {
    await (store as AuditLog).appendAudit({ actor, action, details }).catch((err: unknown) => {
      throw new EngineError('unavailable', `${action} done but its audit record failed`, { cause: err })
    })
  }
  void snapshotter?.run(action).catch((err: unknown) => log.warn({ err }, 'snapshot after operator action failed'))
}
