// Who may do what: one table of verbs per role, plus the "only its own interviewer" rule.
// Pure, so the whole role × verb matrix is unit-tested without a server.
import type { ErrorBody, Role } from '../../client/protocol.ts'
import { CANONICAL_INTERVIEWER_ID, type Principal } from './jwt.ts'

export const VERBS = [
  'route',
  'cancel',
  'complete',
  'state',
  'ping',
  'bid',
  'availability',
  'accept',
  'reject',
  'subscribe_decisions',
  'subscribe_assignments',
  'admin',
  'read_users',
  'read_decisions',
  'read_interviewers',
  'stats',
] as const
export type Verb = (typeof VERBS)[number]

/** Verbs an interviewer may use only on its own interviewer id (sub = interviewer id). */
const OWN_INTERVIEWER = new Set<Verb>(['complete', 'availability', 'accept', 'reject', 'subscribe_assignments'])

const ALLOWED: Record<Role, ReadonlySet<Verb>> = {
  operator: new Set(VERBS),
  // A client's cancel is further limited to assignments its own routes created (checked by the
  // caller, which knows the owner); its assignment stream is filtered the same way.
  client: new Set<Verb>(['route', 'cancel', 'state', 'ping', 'read_interviewers', 'subscribe_assignments']),
  interviewer: new Set<Verb>(['state', 'ping', 'bid', 'read_interviewers', ...OWN_INTERVIEWER]),
}

/** The interviewer id an interviewer token acts for, or null when its sub is not one. */
export function interviewerOf(p: Principal): number | null {
  if (p.role !== 'interviewer' || !CANONICAL_INTERVIEWER_ID.test(p.sub)) return null
  return Number(p.sub)
}

/** Null when the role may use the verb at all (on something of its own), else a `forbidden` error. */
export function mayUse(p: Principal, verb: Verb): ErrorBody | null {
  return ALLOWED[p.role].has(verb) ? null : { code: 'forbidden', message: `role ${p.role} may not ${verb.replace('_', ' ')}` }
}

/**
 * Null when allowed, else a `forbidden` error. `interviewerId` is the interviewer the action
 * touches (for an assignment: its owner), required for the interviewer role's own-only verbs.
 */
export function authorize(p: Principal, verb: Verb, interviewerId?: number | null): ErrorBody | null {
  const denied = mayUse(p, verb)
  if (denied) return denied
  if (p.role === 'interviewer' && OWN_INTERVIEWER.has(verb)) {
    const own = interviewerOf(p)
    if (own === null) return { code: 'forbidden', message: 'interviewer token subject is not an interviewer id' }
    if (interviewerId !== own) {
      return { code: 'forbidden', message: `interviewer ${own} may ${verb} only its own interviewer, not ${interviewerId ?? 'unspecified'}` }
    }
  }
  return null
}

/** The highest route priority a non-operator role may ask for; operators may use the whole range. */
export const CLIENT_PRIORITY_MAX = 10

/** Null when the principal may route with this priority, else a `forbidden` error naming the cap. */
export function priorityRefusal(p: Principal, priority: number | undefined): ErrorBody | null {
  if (priority === undefined || p.role === 'operator' || priority <= CLIENT_PRIORITY_MAX) return null
  return { code: 'forbidden', message: `role ${p.role} may use priority up to ${CLIENT_PRIORITY_MAX}, not ${priority} (operators may set any)` }
}
