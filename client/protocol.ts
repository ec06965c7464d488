// The wire protocol, defined once: route requests and outcomes, WebSocket messages, error and close
// codes, and operator event payloads. No runtime dependencies, so server, actors, SDK, load scripts
// and k6 scripts all import it. Validators are compiled from schemas in client/schemas.ts.
import type { Availability, AssignmentState, Bid, Factors, Interviewer, Weights } from './model.ts'

export type { Availability, AssignmentState, Bid, Factors, Weights }

/** Route request: the Terac demo's fields unchanged, plus request_id, wait and priority. */
export interface RouteRequest {
  user_id: number
  topics: string[]
  language: string
  budget: number
  sensitivity: boolean
  /** Latest acceptable start, in minutes from now. */
  sla_min: number
  /** Client idempotency key: a repeated request_id returns the first outcome. */
  request_id?: string
  /** Hold the request until capacity frees, up to sla_min. */
  wait?: boolean
  /** Higher runs first among held requests; default 0. */
  priority?: number
}

export const ROUTE_STATUS = {
  assigned: 'assigned',
  queued: 'queued',
  no_candidates: 'no_candidates',
  at_capacity: 'at_capacity',
  user_not_found: 'user_not_found',
  expired: 'expired',
} as const
export type RouteStatus = (typeof ROUTE_STATUS)[keyof typeof ROUTE_STATUS]

export interface RouteResult {
  status: RouteStatus
  user_id: number
  interviewer_id?: number
  score?: number
  /** Open assignments (active + waiting) the interviewer holds after this one. */
  current_queue?: number
  assignment_id?: string
  queue_position?: number
  estimated_start_min?: number
  decision_id?: string
  request_id?: string
  /** Human-readable explanation for anything but `assigned`. */
  message?: string
  /** For `queued`: why the request is held, as a stable code and a message. */
  pending_reason?: PendingReason
  /**
   * For `queued`: minutes until a slot is expected, from how fast held requests competing for the
   * same interviewers have been assigned on this node; absent until one has been observed.
   */
  estimated_wait_min?: number
  /** True when this is the stored first outcome of a repeated request_id. */
  replayed?: boolean
}

/**
 * Why a request is held (`queued`); stable codes. Only at_capacity requests are held today, so one
 * code; reasons for holding requests nobody could take yet (paused, offline, over budget) join it
 * when the shard hosts report why they had no bid.
 */
export const PENDING_CODE = {
  /** Every interviewer passing the hard filters is online and at capacity. */
  all_eligible_full: 'all_eligible_full',
} as const
export type PendingCode = (typeof PENDING_CODE)[keyof typeof PENDING_CODE]

export interface PendingReason {
  code: PendingCode
  message: string
}

/** How held requests wait, changed live by operators (PUT /v1/admin/held_policy), on every node. */
export interface HeldPolicy {
  /** Effective priority gained per minute waited (aging); 0 turns aging off. */
  aging_per_min: number
}

/** One held request as operators see it (GET /v1/held): this node's, best first. */
export interface HeldEntry {
  decision_id: string
  request_id: string | null
  user_id: number
  language: string
  sensitivity: boolean
  priority: number
  /** priority plus aging (HELD_AGING_PER_MIN × minutes waited). */
  effective_priority: number
  queued_at: string
  waited_min: number
  sla_min: number
  queue_position: number
  estimated_wait_min: number | null
}

/** Protocol error codes: stable, machine-readable; tests assert on these, never on text. */
export const ERROR_CODE = {
  invalid: 'invalid',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  /**
   * The request conflicts with what is recorded: a request_id reused with a different request body
   * (the first outcome stands and is not replayed), or a transition the assignment's state (or a
   * held request being routed right now) does not allow. HTTP 422, as the IETF Idempotency-Key draft says.
   */
  conflict: 'conflict',
  rate_limited: 'rate_limited',
  unavailable: 'unavailable',
  timeout: 'timeout',
  too_large: 'too_large',
  internal: 'internal',
} as const
export type ErrorCode = (typeof ERROR_CODE)[keyof typeof ERROR_CODE]

export interface ErrorBody {
  code: ErrorCode
  message: string
  /** For rate_limited / unavailable: when a retry may succeed. */
  retry_after_ms?: number
  /** For invalid: the offending field path, when known. */
  path?: string
}

/** HTTP status for each protocol error code. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 422,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  timeout: 504,
}

/**
 * WebSocket close codes. 4000–4099: the client may reconnect (with backoff);
 * 4100–4199: it must not reconnect without changing something (token, code).
 */
export const CLOSE_CODE = {
  going_away: 4000,
  backpressure: 4001,
  rate_limited: 4002,
  server_shutdown: 4003,
  /** The session's token reached its `exp`: reconnect with a fresh token (or send `auth` before exp). */
  token_expired: 4004,
  unauthorized: 4100,
  forbidden: 4101,
  protocol_error: 4102,
} as const
export type CloseCode = (typeof CLOSE_CODE)[keyof typeof CLOSE_CODE]
export const mayReconnect = (code: number): boolean => code < 4100 || code >= 4200

export const ROLES = ['client', 'interviewer', 'operator'] as const
export type Role = (typeof ROLES)[number]

/** State of one interviewer's queue as seen by clients (`/v1/state`, `state` message). */
export interface InterviewerState {
  interviewer_id: number
  name: string
  type: Interviewer['type']
  languages: string[]
  specializations: string[]
  cost: number
  rating: number
  availability: Availability
  concurrency: number
  capacity: number
  current_queue: number
  active: number
  waiting: number
  node_id: string
}

/** Lifecycle event of one assignment: published on `<prefix>.assignments.<interviewer_id>`. */
export interface AssignmentEvent {
  type: 'assignment'
  assignment_id: string
  interviewer_id: number
  user_id: number
  state: AssignmentState
  previous: AssignmentState | null
  current_queue: number
  at: string
  /** Score of the bid that created the assignment, when the engine knows it (offers carry it). */
  score?: number
}

/**
 * An interviewer's availability changed, with the reason: `presence_lost` when every console session
 * has been gone longer than PRESENCE_GRACE_S (`reoffered` counts its pending offers routed to
 * others), `set` when a WebSocket `availability` message changed it (reoffered 0). Pushed on the
 * assignments stream to operators and subscribers of that interviewer.
 */
export interface AvailabilityEvent {
  type: 'availability'
  interviewer_id: number
  availability: Availability
  previous: Availability
  reason: 'presence_lost' | 'set'
  reoffered: number
  node_id: string
  at: string
}

/** A routing decision: published on `<prefix>.decisions` and stored for audit. */
export interface DecisionEvent {
  type: 'decision'
  decision_id: string
  request_id: string | null
  user_id: number
  status: RouteStatus
  interviewer_id: number | null
  score: number | null
  weights_version: number
  bids: Bid[]
  /** Shard hosts that did not answer before the deadline. */
  skipped_hosts: string[]
  latency_us: number
  node_id: string
  at: string
}

export interface HeartbeatEvent {
  type: 'heartbeat'
  node_id: string
  interviewers: number
  uptime_s: number
  at: string
}

/**
 * Live figures of one node over the last `window_s` seconds, pushed once a second on the `stats`
 * stream (operator): what the dashboard charts. Counts are per window, not since start-up.
 */
export interface StatsEvent {
  type: 'stats'
  node_id: string
  at: string
  window_s: number
  /** Routing decisions per second over the window. */
  throughput: number
  /** Decisions of the window by status. */
  outcomes: Record<RouteStatus, number>
  /** Route latency quantiles of the window's decisions, in microseconds (0 when there were none). */
  latency_us: { p50: number; p99: number; max: number }
  /** Offer lifecycle in the window; accept_ms_p50 is null when nothing was accepted. */
  offers: { offered: number; accepted: number; rejected: number; expired: number; accept_ms_p50: number | null }
  /** Queue totals now, across every node's interviewers; `held`: requests this node holds waiting for capacity. */
  queue: { interviewers: number; online: number; current_queue: number; capacity: number; held: number }
}

export const STREAMS = ['decisions', 'assignments', 'stats'] as const
export type Stream = (typeof STREAMS)[number]
/** Longest `batch_ms` a subscription may ask for: its events then come as one `events` push per window. */
export const MAX_PUSH_BATCH_MS = 1000
/** Most events one connection's batch holds; older ones are dropped first and counted in a `dropped` push. */
export const MAX_PUSH_BATCH_EVENTS = 5000
export type StreamEvent = DecisionEvent | AssignmentEvent | AvailabilityEvent | StatsEvent

// ---- WebSocket messages: every request has `id` and `type`; its reply has `re` = that id. ----

export type ClientMessage =
  | ({ id: string | number; type: 'route' } & RouteRequest)
  | { id: string | number; type: 'cancel'; assignment_id: string }
  | ({ id: string | number; type: 'complete'; assignment_id?: string; interviewer_id?: number } & InterviewEnd)
  | { id: string | number; type: 'state'; interviewer_id?: number }
  /** `batch_ms` > 0: the stream's events arrive as `events` pushes, at most one per that many ms. */
  | { id: string | number; type: 'subscribe'; stream: Stream; interviewer_id?: number; batch_ms?: number }
  | { id: string | number; type: 'unsubscribe'; stream: Stream; interviewer_id?: number }
  | { id: string | number; type: 'availability'; interviewer_id: number; availability: Availability; remote_bidding?: boolean }
  | { id: string | number; type: 'accept'; assignment_id: string }
  | { id: string | number; type: 'reject'; assignment_id: string }
  | { id: string | number; type: 'bid'; bid_id: string; score: number | null }
  | { id: string | number; type: 'ping' }
  /** Replaces the session's token (same sub and role) before it expires; the expiry timer re-arms. */
  | { id: string | number; type: 'auth'; token: string }

export type ClientMessageType = ClientMessage['type']

/** Pushes carry no `re`. */
export type ServerPush =
  | { type: 'offer'; assignment_id: string; user_id: number; interviewer_id: number; score: number; expires_at: string | null }
  | { type: 'bid_request'; bid_id: string; interviewer_id: number; request: RouteRequest; local_score: number | null; deadline_ms: number }
  | { type: 'event'; stream: Stream; event: StreamEvent }
  /** A batched subscription's events of one window, oldest first. */
  | { type: 'events'; stream: Stream; events: StreamEvent[] }
  | { type: 'dropped'; count: number }

export type ServerReply = { re: string | number; ok: true; result: unknown } | { re: string | number | null; ok: false; error: ErrorBody }

// ---- Additions for the gateway (issue 5) ----

/** Reply of `GET /v1/state` and of the WebSocket `state` message without interviewer_id. */
export interface StateSnapshot {
  interviewers: InterviewerState[]
  totals: { interviewers: number; online: number; current_queue: number; capacity: number }
}

/** Body of `POST /v1/route/batch`: a bare array of route requests is accepted too. */
export interface RouteBatchRequest {
  requests: RouteRequest[]
}
export interface RouteBatchResult {
  results: RouteResult[]
}

/**
 * Body of `POST /v1/complete` (and the `complete` message): the interviewer's oldest open assignment,
 * or one by id. With both, assignment_id wins and must belong to interviewer_id (else `invalid`).
 */
export type CompleteRequest = ({ interviewer_id: number; assignment_id?: string } | { assignment_id: string; interviewer_id?: number }) & InterviewEnd

/** How an interview ended; `completed` (the default) is a success, the others are not. */
export const COMPLETE_OUTCOMES = ['completed', 'no_show', 'abandoned'] as const
export type CompleteOutcome = (typeof COMPLETE_OUTCOMES)[number]

/**
 * What a completion tells about the interview: it becomes an interview-history row committed with
 * the transition. `rating` (1–5) only with outcome `completed`; `duration_min` defaults to the time
 * the assignment was active (0 for a no-show).
 */
export interface InterviewEnd {
  outcome?: CompleteOutcome
  rating?: number
  duration_min?: number
}

/** Body of `PUT /v1/admin/weights`: any subset of the factor weights. */
export type WeightsPatch = Partial<Omit<Weights, 'version'>>

/** Reply to a `bid` message: accepted is false when the bid came after the deadline or was unknown. */
export interface BidAck {
  accepted: boolean
  score: number | null
}

/** Reply to an `auth` message: the session now runs on the new token until `exp` (seconds since the epoch). */
export interface AuthAck {
  sub: string
  role: Role
  exp: number | null
}

/** Reply to `GET /healthz`. */
export interface HealthReport {
  status: 'ok' | 'degraded'
  node_id: string
  uptime_s: number
  uws: 'native' | 'fallback'
  auth: 'jwt' | 'open'
  store: { kind: string; ok: boolean; error?: string }
  bus: { kind: string }
}

/** One saved version of the scoring weights (`GET /v1/admin/weights/history`): who set it and when. */
export interface WeightsVersion {
  weights: Weights
  created_by: string
  created_at: string
}

/** Body of `POST /v1/admin/weights/rollback`: the factors of that version become a new version. */
export interface WeightsRollback {
  version: number
}

/**
 * Reply of `GET /v1/decisions/:id/explain?interviewer_id=X`: why X did or did not win, from what the
 * decision recorded and X's profile now. `verdict`: `won`; `outscored` (X bid and lost: `gap` and the
 * weighted factor differences against the winner); `filtered` (a hard filter refuses X: `filters`);
 * `not_bid` (X passes the static filters but did not bid: the record cannot say why, see `unknown`);
 * `no_winner` (X bid, but the decision assigned nobody).
 */
export interface DecisionExplanation {
  decision_id: string
  interviewer_id: number
  verdict: 'won' | 'outscored' | 'filtered' | 'not_bid' | 'no_winner'
  winner_id: number | null
  /** The hard filters checked against the interviewer's current profile: passed or refused, with the reason. */
  filters: { filter: 'language' | 'clearance' | 'budget'; passed: boolean; detail: string }[]
  /** For outscored: winner score − this score. */
  gap: number | null
  /** For outscored: per factor, weight × (winner factor − this factor), largest loss first. */
  factors: { factor: keyof Factors; weight: number; winner: number; this: number; weighted_diff: number }[]
  /** Plain statements of what the record does not tell. */
  unknown: string[]
  summary: string
}
