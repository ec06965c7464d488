// Gateway counters, rendered as Prometheus text at /metrics (prometheus.ts). Plain numbers: no allocation per event.
import type { RouteStatus } from '../../client/protocol.ts'
import { RouteTimings } from '../metrics/route-timings.ts'

export class GatewayMetrics {
  httpRequests = 0
  wsMessages = 0
  wsConnections = 0
  wsOpen = 0
  inflight = 0
  droppedPushes = 0
  rateLimited = 0
  badFrames = 0
  errors = 0
  remoteBids = 0
  remoteBidTimeouts = 0
  /** Requests, upgrades and `auth` messages whose token was missing, bad, expired or ambiguous. */
  authFailures = 0
  /** WebSocket sessions closed because their token reached exp. */
  sessionsExpired = 0
  readonly outcomes = new Map<RouteStatus, number>()
  /** Route stage and total latencies; shared with the engine, which times its own stages. */
  readonly timings: RouteTimings

  constructor(timings: RouteTimings = new RouteTimings()) {
    this.timings = timings
  }

  outcome(status: RouteStatus): void {
    this.outcomes.set(status, (this.outcomes.get(status) ?? 0) + 1)
  }
}
