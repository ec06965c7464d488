// /metrics of the real server: valid Prometheus text (strict reader), every metric it served before
// prom-client, and the route histograms: a route over HTTP and one over WebSocket each count once
// in route_seconds and in each stage (counts only: durations depend on the machine).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUTE_STAGES } from '../../actors/ports.ts'
import type { RouteResult } from '../../client/protocol.ts'
import { parsePromText, sampleValue, type Family } from '../../load/bench/prom-text.ts'
import { RawWs, get, post, startServer, type ServerHandle } from './server.ts'

let srv: ServerHandle
beforeAll(async () => {
  srv = await startServer()
})
afterAll(async () => {
  await srv?.dispose()
})

async function scrape(): Promise<Map<string, Family>> {
  const res = await fetch(`${srv.url}/metrics`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parsePromText(await res.text())
}

/** Counts of route_seconds and of each stage, in ROUTE_STAGES order after the total. */
function counts(m: Map<string, Family>): number[] {
  return [sampleValue(m, 'route_seconds_count') ?? -1, ...ROUTE_STAGES.map((stage) => sampleValue(m, 'route_stage_seconds_count', { stage }) ?? -1)]
}

const ROUTE = { topics: ['FinTech'], language: 'English', budget: 75, sensitivity: false, sla_min: 30 }

describe('/metrics', () => {
  it('is Prometheus text with every metric it served before, typed as before', async () => {
    const m = await scrape()
    const types: Record<string, Family['type']> = {
      router_http_requests_total: 'counter',
      router_ws_messages_total: 'counter',
      router_ws_connections_total: 'counter',
      router_ws_open: 'gauge',
      router_inflight: 'gauge',
      router_dropped_pushes_total: 'counter',
      router_rate_limited_total: 'counter',
      router_bad_frames_total: 'counter',
      router_errors_total: 'counter',
      router_remote_bids_total: 'counter',
      router_remote_bid_timeouts_total: 'counter',
      router_auth_failures_total: 'counter',
      router_ws_sessions_expired_total: 'counter',
      router_route_outcomes_total: 'counter',
      router_engine_decisions_total: 'counter',
      router_engine_interviewers: 'gauge',
      router_engine_open_assignments: 'gauge',
      router_engine_weights_version: 'gauge',
      router_event_loop_busy_seconds_total: 'counter',
      // The server runs on PGlite here: its database thread's busy time is served.
      router_store_thread_busy_seconds_total: 'counter',
      route_stage_seconds: 'histogram',
      route_seconds: 'histogram',
    }
    for (const [name, type] of Object.entries(types)) expect({ name, type: m.get(name)?.type }).toEqual({ name, type })
    expect(sampleValue(m, 'router_engine_interviewers')).toBeGreaterThan(0)
    // Every stage is there from the start, at zero, so a dashboard sees the series before traffic.
    expect(new Set(m.get('route_stage_seconds')?.samples.map((s) => s.labels.stage))).toEqual(new Set(ROUTE_STAGES))
  })

  it('a route over HTTP and one over WebSocket each count once in route_seconds and in every stage', async () => {
    const before = counts(await scrape())
    const http = await post<RouteResult>(`${srv.url}/v1/route`, { ...ROUTE, user_id: 42 })
    expect(http.body.status).toBe('assigned')
    const after1 = counts(await scrape())
    expect(after1.map((n, i) => n - (before[i] as number))).toEqual([1, 1, 1, 1, 1, 1, 1])

    const ws = await RawWs.open(srv.wsUrl)
    try {
      const r = await ws.call<{ result: RouteResult }>({ type: 'route', id: 1, ...ROUTE, user_id: 43 }, 'msgpack')
      expect(r.result.status).toBe('assigned')
    } finally {
      ws.close()
    }
    const after2 = counts(await scrape())
    expect(after2.map((n, i) => n - (after1[i] as number))).toEqual([1, 1, 1, 1, 1, 1, 1])
    const m = await scrape()
    expect(sampleValue(m, 'router_route_outcomes_total', { status: 'assigned' })).toBeGreaterThanOrEqual(2)
  })

  it('a refused route counts in route_seconds and reply_write, not in the engine stages', async () => {
    const before = counts(await scrape())
    const r = await post(`${srv.url}/v1/route`, { ...ROUTE, user_id: 0 })
    expect(r.status).toBe(400)
    const after = counts(await scrape())
    // total, decode_validate, user_lookup, scatter_gather, commit_wait, commit, reply_write
    expect(after.map((n, i) => n - (before[i] as number))).toEqual([1, 0, 0, 0, 0, 0, 1])
    expect((await get<string>(`${srv.url}/metrics`)).status).toBe(200)
  })
})
