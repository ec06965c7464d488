// /metrics through prom-client: one Registry over the gateway's plain counters, the engine's stats,
// the event loop and database thread busy time, and the route latency histograms. The counters
// stay plain numbers on the hot path; each metric reads its number when scraped (collect).
import { Counter, Gauge, Registry } from 'prom-client'
import type { EngineStats } from '../../actors/engine.ts'
import type { GatewayMetrics } from './metrics.ts'

export interface MetricsSources {
  gateway: GatewayMetrics
  engine: () => Promise<EngineStats>
  /** The embedded database thread's busy seconds; null when the store has no such thread (Postgres). */
  storeBusySeconds: () => number | null
}

export interface Prometheus {
  readonly contentType: string
  /** The exposition text of every metric, read now. */
  render(): Promise<string>
}

export function prometheus(src: MetricsSources): Prometheus {
  const reg = new Registry()
  const g = src.gateway
  // One engine.stats() per scrape, read by the four engine metrics.
  let engine: EngineStats | null = null
  const counter = (name: string, help: string, read: () => number): void => {
    new Counter({
      name,
      help,
      registers: [reg],
      collect() {
        this.reset()
        this.inc(read())
      },
    })
  }
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers: [reg],
      collect() {
        this.set(read())
      },
    })
  }
  counter('router_http_requests_total', 'HTTP requests received.', () => g.httpRequests)
  counter('router_ws_messages_total', 'WebSocket frames received.', () => g.wsMessages)
  counter('router_ws_connections_total', 'WebSocket connections opened.', () => g.wsConnections)
  gauge('router_ws_open', 'WebSocket connections open now.', () => g.wsOpen)
  gauge('router_inflight', 'Requests being served now.', () => g.inflight)
  counter('router_dropped_pushes_total', 'Pushes dropped for a slow connection.', () => g.droppedPushes)
  counter('router_rate_limited_total', 'Requests and frames refused by the rate limit.', () => g.rateLimited)
  counter('router_bad_frames_total', 'WebSocket frames that were too large, undecodable or invalid.', () => g.badFrames)
  counter('router_errors_total', 'Internal errors answered.', () => g.errors)
  counter('router_remote_bids_total', 'Bid requests sent to remote (WebSocket) bidders.', () => g.remoteBids)
  counter('router_remote_bid_timeouts_total', 'Remote bid requests that timed out.', () => g.remoteBidTimeouts)
  counter('router_auth_failures_total', 'Requests, upgrades and auth messages with a missing, bad, expired or ambiguous token.', () => g.authFailures)
  counter('router_ws_sessions_expired_total', 'WebSocket sessions closed because their token expired.', () => g.sessionsExpired)
  new Counter({
    name: 'router_route_outcomes_total',
    help: 'Route replies by status.',
    labelNames: ['status'],
    registers: [reg],
    collect() {
      this.reset()
      for (const [status, n] of g.outcomes) this.inc({ status }, n)
    },
  })
  counter('router_engine_decisions_total', 'Routing decisions made by this node.', () => engine?.decisions ?? 0)
  gauge('router_engine_interviewers', 'Interviewers known to this node.', () => engine?.interviewers ?? 0)
  gauge('router_engine_open_assignments', 'Assignments holding a slot.', () => engine?.open_assignments ?? 0)
  gauge('router_engine_weights_version', 'Version of the scoring weights in use.', () => engine?.weights_version ?? 0)
  counter('router_event_loop_busy_seconds_total', 'Seconds the event loop was busy (event-loop utilisation).', () => performance.eventLoopUtilization().active / 1000)
  // Only where there is such a thread: a missing line says so, a 0 would claim it idle.
  if (src.storeBusySeconds() !== null) {
    counter('router_store_thread_busy_seconds_total', 'Seconds the embedded database thread was busy; every commit queues behind it.', () => src.storeBusySeconds() ?? 0)
  }
  reg.registerMetric(g.timings.stages)
  reg.registerMetric(g.timings.routes)
  return {
    contentType: reg.contentType,
    async render() {
      engine = await src.engine()
      return reg.metrics()
    },
  }
}
