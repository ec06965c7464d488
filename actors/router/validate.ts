// Validation of a route request at the engine boundary (the gateway validates the wire shape too;
// the engine must not trust any caller). Throws EngineError('invalid') naming the field.
import { EngineError } from '../engine.ts'
import type { RouteRequest } from '../../client/protocol.ts'

const MAX_TOPICS = 32
const MAX_STR = 128

export function validateRoute(input: unknown): RouteRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('', 'request must be an object')
  const r = input as Record<string, unknown>
  const userId = r.user_id
  if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId < 1) throw invalid('user_id', 'user_id must be a positive integer')
  if (!Array.isArray(r.topics) || r.topics.length > MAX_TOPICS || !allShortStrings(r.topics as unknown[])) throw invalid('topics', `topics must be an array of at most ${MAX_TOPICS} non-empty strings`)
  if (typeof r.language !== 'string' || r.language.length === 0 || r.language.length > MAX_STR) throw invalid('language', 'language must be a non-empty string')
  if (typeof r.budget !== 'number' || !Number.isFinite(r.budget) || r.budget < 0) throw invalid('budget', 'budget must be a non-negative number')
  if (typeof r.sensitivity !== 'boolean') throw invalid('sensitivity', 'sensitivity must be a boolean')
  if (typeof r.sla_min !== 'number' || !Number.isFinite(r.sla_min) || r.sla_min < 0 || r.sla_min > 7 * 24 * 60) throw invalid('sla_min', 'sla_min must be minutes from 0 to 10080')
  const out: RouteRequest = { user_id: userId, topics: r.topics as string[], language: r.language, budget: r.budget, sensitivity: r.sensitivity, sla_min: r.sla_min }
  if (r.request_id !== undefined) {
    if (typeof r.request_id !== 'string' || r.request_id.length === 0 || r.request_id.length > MAX_STR) throw invalid('request_id', 'request_id must be a non-empty string')
    out.request_id = r.request_id
  }
  if (r.wait !== undefined) {
    if (typeof r.wait !== 'boolean') throw invalid('wait', 'wait must be a boolean')
    out.wait = r.wait
  }
  if (r.priority !== undefined) {
    if (typeof r.priority !== 'number' || !Number.isFinite(r.priority)) throw invalid('priority', 'priority must be a number')
    out.priority = r.priority
  }
  return out
}

/** Every element a non-empty string of at most MAX_STR characters (a loop: no closure per request). */
function allShortStrings(xs: unknown[]): boolean {
  for (let i = 0; i < xs.length; i++) {
    const t = xs[i]
    if (typeof t !== 'string' || t.length === 0 || t.length > MAX_STR) return false
  }
  return true
}

function invalid(path: string, message: string): EngineError {
  const e = new EngineError('invalid', message)
  Object.defineProperty(e, 'path', { value: path, enumerable: true })
  return e
}
