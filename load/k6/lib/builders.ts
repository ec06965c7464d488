// Request builders shared by the k6 scripts and the Node load driver: pure functions, no runtime
// imports (only erased `import type`), so k6 bundles them without pulling any Node code.
import type { Availability, ClientMessage, RouteRequest } from '../../../client/protocol.ts'

/** The demo dataset `npm start` seeds (DESIGN.md 4b): ids 1–1000 users, 1–100 interviewers. */
export const DEMO = {
  users: 1000,
  interviewers: 100,
  topics: ['FinTech', 'Chargebacks', 'pricing', 'retention', 'payments'],
  /** English most often, as in the seeded population. */
  languages: ['English', 'English', 'English', 'English', 'English', 'English', 'Spanish', 'French', 'German'],
  budget: { min: 40, max: 150 },
  sla_min: [15, 30, 60, 120],
} as const

export type Rng = () => number

/** mulberry32: small, fast, deterministic for a given seed (k6 VUs and driver workers seed it). */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T

export interface RouteMix {
  /** Users are drawn from 1..users. */
  users: number
  /** Share of requests marked sensitive (needs clearance). */
  sensitive_share: number
  /** Share of requests that ask to be held (`wait: true`). */
  wait_share: number
}

export const DEFAULT_MIX: RouteMix = { users: DEMO.users, sensitive_share: 0.05, wait_share: 0 }

/** A route request in the Terac demo's shape; `request_id` makes a retry idempotent. */
export function buildRouteRequest(rng: Rng, request_id: string, mix: RouteMix = DEFAULT_MIX): RouteRequest {
  const first = pick(rng, DEMO.topics)
  const topics = rng() < 0.3 ? [first, pick(rng, DEMO.topics)].filter((t, i, a) => a.indexOf(t) === i) : [first]
  const req: RouteRequest = {
    user_id: 1 + Math.floor(rng() * mix.users),
    topics,
    language: pick(rng, DEMO.languages),
    budget: Math.round(DEMO.budget.min + rng() * (DEMO.budget.max - DEMO.budget.min)),
    sensitivity: rng() < mix.sensitive_share,
    sla_min: pick(rng, DEMO.sla_min),
    request_id,
  }
  if (rng() < mix.wait_share) req.wait = true
  return req
}

/** Unique per run, worker/VU and sequence number, so replays can be checked afterwards. */
export const requestId = (run: string, source: number | string, seq: number): string => `${run}-${source}-${seq}`

export const wsRoute = (id: number | string, req: RouteRequest): ClientMessage => ({ id, type: 'route', ...req })

export const wsComplete = (id: number | string, assignment_id: string): ClientMessage => ({ id, type: 'complete', assignment_id })

export const wsCompleteOldest = (id: number | string, interviewer_id: number): ClientMessage => ({ id, type: 'complete', interviewer_id })

export const wsAccept = (id: number | string, assignment_id: string): ClientMessage => ({ id, type: 'accept', assignment_id })

export const wsAvailability = (id: number | string, interviewer_id: number, availability: Availability): ClientMessage => ({
  id,
  type: 'availability',
  interviewer_id,
  availability,
})

export const wsSubscribeAssignments = (id: number | string, interviewer_id: number): ClientMessage => ({
  id,
  type: 'subscribe',
  stream: 'assignments',
  interviewer_id,
})

export const wsState = (id: number | string): ClientMessage => ({ id, type: 'state' })

export const wsPing = (id: number | string): ClientMessage => ({ id, type: 'ping' })

/** Body of `POST /v1/route`: the route request itself, exactly as the demo's curl sends it. */
export const httpRouteBody = (req: RouteRequest): string => JSON.stringify(req)

/** Body of `POST /v1/complete`. */
export const httpCompleteBody = (target: { interviewer_id: number } | { assignment_id: string }): string => JSON.stringify(target)

export const authHeaders = (token: string | undefined): Record<string, string> =>
  token ? { 'content-type': 'application/json', authorization: `Bearer ${token}` } : { 'content-type': 'application/json' }

/** The WS URL for an HTTP base URL, token in the query (the gateway also accepts a Bearer header). */
export function wsUrl(base: string, token: string | undefined): string {
  const url = `${base.replace(/^http/, 'ws').replace(/\/$/, '')}/v1/ws`
  return token ? `${url}?token=${encodeURIComponent(token)}` : url
}

export interface ParsedReply {
  re: string | number | null
  ok: boolean
  /** RouteResult.status when the reply carries one. */
  status?: string
  interviewer_id?: number
  assignment_id?: string
  error_code?: string
}

export interface ParsedPush {
  type: string
  assignment_id?: string
  interviewer_id?: number
  state?: string
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** Narrow a decoded server message to a reply (has `re`) or a push (has `type`), else null. */
export function classify(msg: unknown): { reply: ParsedReply } | { push: ParsedPush } | null {
  if (!isRecord(msg)) return null
  if ('re' in msg) {
    const re = msg.re
    const reply: ParsedReply = { re: typeof re === 'string' || typeof re === 'number' ? re : null, ok: msg.ok === true }
    const result = msg.result
    if (isRecord(result)) {
      if (typeof result.status === 'string') reply.status = result.status
      if (typeof result.interviewer_id === 'number') reply.interviewer_id = result.interviewer_id
      if (typeof result.assignment_id === 'string') reply.assignment_id = result.assignment_id
    }
    if (isRecord(msg.error) && typeof msg.error.code === 'string') reply.error_code = msg.error.code
    return { reply }
  }
  if (typeof msg.type === 'string') {
    const push: ParsedPush = { type: msg.type }
    const body = isRecord(msg.event) ? msg.event : msg
    if (typeof body.assignment_id === 'string') push.assignment_id = body.assignment_id
    if (typeof body.interviewer_id === 'number') push.interviewer_id = body.interviewer_id
    if (typeof body.state === 'string') push.state = body.state
    return { push }
  }
  return null
}
