// Post-run invariant checks, from outside the server: capacity in /v1/state, replay of acknowledged
// request_ids, and spread of assignments across eligible interviewers.
import type { RouteRequest } from '../../client/protocol.ts'
import { coefficientOfVariation } from './stats.ts'
import type { Ack, Violation } from './types.ts'

export interface StateRow {
  interviewer_id: number
  capacity: number
  current_queue: number
  availability?: string
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** Reads `/v1/state` (a StateSnapshot, or a bare array) into rows; null if it has neither shape. */
export function stateRows(body: unknown): StateRow[] | null {
  const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.interviewers) ? body.interviewers : null
  if (list === null) return null
  const rows: StateRow[] = []
  for (const item of list as unknown[]) {
    if (!isRecord(item) || typeof item.interviewer_id !== 'number' || typeof item.capacity !== 'number' || typeof item.current_queue !== 'number') return null
    rows.push({ interviewer_id: item.interviewer_id, capacity: item.capacity, current_queue: item.current_queue, availability: typeof item.availability === 'string' ? item.availability : undefined })
  }
  return rows
}

export function capacityViolations(rows: readonly StateRow[]): Violation[] {
  return rows.filter((r) => r.current_queue > r.capacity).map((r) => ({ check: 'capacity' as const, detail: `interviewer ${r.interviewer_id} holds ${r.current_queue} > capacity ${r.capacity}` }))
}

/** A replayed request_id must answer the first outcome: the same interviewer and assignment. */
export function replayViolation(ack: Ack, body: unknown): Violation | null {
  const id = ack.request.request_id ?? '?'
  if (!isRecord(body)) return { check: 'replay', detail: `${id}: replay answered no JSON object` }
  if (body.status !== 'assigned' || body.interviewer_id !== ack.interviewer_id) {
    return { check: 'replay', detail: `${id}: acknowledged interviewer ${ack.interviewer_id}, replay answered ${String(body.status)} / ${String(body.interviewer_id)}` }
  }
  if (ack.assignment_id !== undefined && typeof body.assignment_id === 'string' && body.assignment_id !== ack.assignment_id) {
    return { check: 'replay', detail: `${id}: acknowledged assignment ${ack.assignment_id}, replay answered ${body.assignment_id}` }
  }
  return null
}

/** CV of assignments over the interviewers that were online at the end (zeros included). */
export function spread(rows: readonly StateRow[], byInterviewer: Record<string, number>): { cv: number | null; n: number } {
  const eligible = rows.filter((r) => r.availability === undefined || r.availability === 'online')
  const counts = eligible.map((r) => byInterviewer[String(r.interviewer_id)] ?? 0)
  return { cv: coefficientOfVariation(counts), n: counts.length }
}

export interface CheckInput {
  url: string
  token: string | undefined
  acks: Ack[]
  by_interviewer: Record<string, number>
  max_cv: number
}

const REPLAY_CONCURRENCY = 16
const TIMEOUT_MS = 10_000

async function call(url: string, token: string | undefined, path: string, body?: RouteRequest): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  })
  return res.json()
}

export async function checkInvariants(input: CheckInput): Promise<{ replayed: number; cv: number | null; interviewers_seen: number; violations: Violation[] }> {
  const violations: Violation[] = []
  let replayed = 0
  const queue = [...input.acks]
  // Bounded: at most acks.length replays, REPLAY_CONCURRENCY at a time.
  await Promise.all(
    Array.from({ length: Math.min(REPLAY_CONCURRENCY, queue.length) }, async () => {
      for (let ack = queue.pop(); ack !== undefined; ack = queue.pop()) {
        try {
          const v = replayViolation(ack, await call(input.url, input.token, '/v1/route', ack.request))
          if (v) violations.push(v)
          replayed++
        } catch (err) {
          violations.push({ check: 'replay', detail: `${ack.request.request_id ?? '?'}: replay failed: ${(err as Error).message}` })
        }
      }
    }),
  )
  let rows: StateRow[] | null = null
  try {
    rows = stateRows(await call(input.url, input.token, '/v1/state'))
    if (rows === null) violations.push({ check: 'state', detail: '/v1/state has no interviewers list' })
  } catch (err) {
    violations.push({ check: 'state', detail: `/v1/state failed: ${(err as Error).message}` })
  }
  if (rows === null) return { replayed, cv: null, interviewers_seen: 0, violations }
  violations.push(...capacityViolations(rows))
  const s = spread(rows, input.by_interviewer)
  if (s.cv !== null && s.cv > input.max_cv) violations.push({ check: 'spread', detail: `assignments CV ${s.cv.toFixed(2)} > ${input.max_cv} over ${s.n} online interviewers` })
  return { replayed, cv: s.cv, interviewers_seen: s.n, violations }
}
