// The engine's durability chores kept out of engine.ts: expiring a held request, routing the user of
// a lapsed offer again, and recording an operator action (audit row, then a snapshot of the new state).
import type { Logger, AssignmentLog, AuditLog } from '../ports.ts'
import type { Assignment } from '../model/types.ts'
import type { DecisionEvent, RouteRequest, RouteResult } from '../../client/protocol.ts'
import { EngineError } from '../engine.ts'
import type { Router } from '../router/router.ts'
import type { Snapshotter } from '../snapshot/snapshotter.ts'

/** A held request's sla_min passed: one last try, else it is recorded (and announced) as expired. */
export async function expireHeld(deps: { router: Router; log: Logger; finish(record: DecisionEvent, result: RouteResult): void }, req: RouteRequest): Promise<void> {
  const user = await deps.router.user(req.user_id).catch(() => null)
  if (!user) return
  const result: RouteResult = { status: 'expired', user_id: req.user_id, message: `no slot within sla_min=${req.sla_min}` }
  if (req.request_id) result.request_id = req.request_id
  const d = await deps.router.decide({ ...req, wait: false }, user, performance.now()).catch(() => null)
  if (d?.result.status === 'assigned') return deps.finish(d.record, d.result)
  if (!d) return
  const record = { ...d.record, status: 'expired' as const, result: { ...result, decision_id: d.record.decision_id } }
  await deps.router.persist({ result: record.result, record, persisted: false }).catch((err: unknown) => deps.log.warn({ err }, 'expired decision not recorded'))
  deps.finish(record, record.result)
}

/**
 * An offer timed out (the reliable-queue idea): its slot is back in the pool and the user is routed
 * again, never to the interviewer who let it lapse. An offer restored after a crash has no request
 * in memory; the stored decision of its request_id supplies it. Nobody else qualifying leaves the
 * expiry (already pushed on the assignment stream) as the user's answer.
 */
export async function reofferExpired(
  deps: { router: Router; store: Pick<AssignmentLog, 'findDecisionByRequestId'>; log: Logger; finish(record: DecisionEvent, result: RouteResult): void },
  a: Assignment,
  known: RouteRequest | undefined,
): Promise<void> {
  try {
    const stored = known ?? (a.request_id ? (await deps.store.findDecisionByRequestId(a.request_id))?.request : undefined)
    if (!stored?.language) return
    const req: RouteRequest = { ...stored, user_id: a.user_id }
    delete req.request_id
    const user = await deps.router.user(req.user_id)
    if (!user) return
    const d = await deps.router.decide(req, user, performance.now(), [a.interviewer_id])
    const done = await deps.router.persist(d)
    deps.finish(done.record, done.result)
  } catch (err) {
    deps.log.warn({ err, assignment_id: a.id }, 'expired offer not routed again')
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
