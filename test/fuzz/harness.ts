// The fuzz suite's harness: runs one bounded fast-check batch (case count and time limit), then
// checks the server: the process is up, no interviewer is over capacity (`/v1/state`), and a valid
// route still gets assigned. Reports how many cases each batch ran and how long it took.
import fc from 'fast-check'
import { expect } from 'vitest'
import { ERROR_CODE, type RouteResult, type StateSnapshot, type Weights } from '../../client/protocol.ts'
import { get, post, type Frame, type ServerHandle } from '../e2e/server.ts'

/** Reproduce a failure with FUZZ_SEED=<the printed seed>. */
export const SEED = Number(process.env.FUZZ_SEED ?? 20_261_217)

export interface BatchReport {
  name: string
  runs: number
  ms: number
  interrupted: boolean
}

const CODES = new Set<string>(Object.values(ERROR_CODE))

/** A reply or error body from the server: a known protocol code, and never `internal`. */
export function expectTypedError(error: unknown, what: string): void {
  const code = (error as { code?: unknown } | null)?.code
  expect(CODES.has(String(code)), `${what}: ${JSON.stringify(error)}`).toBe(true)
  expect(code, `${what}: ${JSON.stringify(error)}`).not.toBe('internal')
}

/** Runs up to `numRuns` cases of `check`, stopping early (not failing) past `timeLimitMs`. */
export async function batch<T>(name: string, arb: fc.Arbitrary<T>, numRuns: number, timeLimitMs: number, check: (t: T) => Promise<void>): Promise<BatchReport> {
  const t0 = performance.now()
  const details = await fc.check(fc.asyncProperty(arb, check), { numRuns, seed: SEED, interruptAfterTimeLimit: timeLimitMs, markInterruptAsFailure: false, endOnFailure: true })
  if (details.failed) throw new Error(`${name}: ${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}`, { cause: details.errorInstance })
  return { name, runs: details.numRuns, ms: Math.round(performance.now() - t0), interrupted: details.interrupted }
}

export const VALID_ROUTE = { topics: ['FinTech'], language: 'English', budget: 100, sensitivity: false, sla_min: 30, user_id: 42 }

/** After a batch: the process is up, capacity holds, weights are restored, and a valid route is assigned. */
export async function checkServer(srv: ServerHandle, operator: string, weights: Weights): Promise<void> {
  const exited = await Promise.race([srv.exited(), new Promise<'running'>((r) => setTimeout(() => r('running'), 10))])
  expect(exited, srv.output().slice(-2000)).toBe('running')
  expect((await get(`${srv.url}/healthz`)).status).toBe(200)
  const state = await get<StateSnapshot>(`${srv.url}/v1/state`, operator)
  expect(state.status).toBe(200)
  for (const s of state.body.interviewers) {
    expect(s.current_queue, `interviewer ${s.interviewer_id}`).toBeLessThanOrEqual(s.capacity)
    expect(s.active, `interviewer ${s.interviewer_id}`).toBeLessThanOrEqual(s.concurrency)
    expect(s.active + s.waiting).toBe(s.current_queue)
  }
  // Fuzzed routes and weight patches may have filled queues or skewed scores: start the next batch clean.
  const { version: _v, ...patch } = weights
  expect((await post(`${srv.url}/v1/admin/weights`, patch, operator, 'PUT')).status).toBe(200)
  expect((await post(`${srv.url}/v1/admin/reset_queues`, {}, operator)).status).toBe(200)
  const routed = await post<RouteResult>(`${srv.url}/v1/route`, { ...VALID_ROUTE, request_id: `fuzz-check-${Date.now()}-${Math.random()}` }, operator)
  expect(routed).toMatchObject({ status: 200, body: { status: 'assigned', user_id: 42 } })
}

/** One line per batch and a total, for the log and the closing report. */
export function summary(reports: BatchReport[]): string {
  const total = reports.reduce((a, r) => ({ runs: a.runs + r.runs, ms: a.ms + r.ms }), { runs: 0, ms: 0 })
  const lines = reports.map((r) => `  ${r.name.padEnd(34)} ${String(r.runs).padStart(5)} cases  ${(r.ms / 1000).toFixed(1).padStart(5)} s${r.interrupted ? '  (time limit reached)' : ''}`)
  return [`fuzz (seed ${SEED}):`, ...lines, `  ${'total'.padEnd(34)} ${String(total.runs).padStart(5)} cases  ${(total.ms / 1000).toFixed(1).padStart(5)} s`].join('\n')
}

export type { Frame }
