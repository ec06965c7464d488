// Gateway counters, rendered as Prometheus text at /metrics. Plain numbers: no allocation per event.
import type { RouteStatus } from '../../client/protocol.ts'

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

  outcome(status: RouteStatus): void {
    this.outcomes.set(status, (this.outcomes.get(status) ?? 0) + 1)
  }

  render(): string {
    const lines = [
      '# TYPE router_http_requests_total counter',
      `router_http_requests_total ${this.httpRequests}`,
      '# TYPE router_ws_messages_total counter',
      `router_ws_messages_total ${this.wsMessages}`,
      '# TYPE router_ws_connections_total counter',
      `router_ws_connections_total ${this.wsConnections}`,
      '# TYPE router_ws_open gauge',
      `router_ws_open ${this.wsOpen}`,
      '# TYPE router_inflight gauge',
      `router_inflight ${this.inflight}`,
      '# TYPE router_dropped_pushes_total counter',
      `router_dropped_pushes_total ${this.droppedPushes}`,
      '# TYPE router_rate_limited_total counter',
      `router_rate_limited_total ${this.rateLimited}`,
      '# TYPE router_bad_frames_total counter',
      `router_bad_frames_total ${this.badFrames}`,
      '# TYPE router_errors_total counter',
      `router_errors_total ${this.errors}`,
      '# TYPE router_remote_bids_total counter',
      `router_remote_bids_total ${this.remoteBids}`,
      '# TYPE router_remote_bid_timeouts_total counter',
      `router_remote_bid_timeouts_total ${this.remoteBidTimeouts}`,
      '# TYPE router_auth_failures_total counter',
      `router_auth_failures_total ${this.authFailures}`,
      '# TYPE router_ws_sessions_expired_total counter',
      `router_ws_sessions_expired_total ${this.sessionsExpired}`,
      '# TYPE router_route_outcomes_total counter',
    ]
    for (const [status, n] of this.outcomes) lines.push(`router_route_outcomes_total{status="${status}"} ${n}`)
    return `${lines.join('\n')}\n`
  }
}
