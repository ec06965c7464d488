// TypeBox schemas of what the server sends (replies, pushes, operator events), used by the contract
// documents (client/contract.ts). The compile-time checks at the bottom keep each equal to protocol.ts.
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { ERROR_CODE, PENDING_CODE, ROLES, ROUTE_STATUS, STREAMS } from './protocol.ts'
import type {
  AssignmentEvent,
  AuthAck,
  BidAck,
  DecisionEvent,
  DecisionExplanation,
  ErrorBody,
  HealthReport,
  HeartbeatEvent,
  InterviewerState,
  RouteResult,
  StateSnapshot,
  StatsEvent,
  WeightsVersion,
} from './protocol.ts'

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)))
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])
const Availability = lit(['online', 'paused', 'offline'] as const)
const AssignmentState = lit(['offered', 'accepted', 'active', 'completed', 'cancelled', 'expired'] as const)
const Id = Type.Union([Type.String(), Type.Number()])

export const RouteResultSchema = Type.Object({
  status: lit(Object.values(ROUTE_STATUS)),
  user_id: Type.Integer(),
  interviewer_id: Type.Optional(Type.Integer()),
  score: Type.Optional(Type.Number()),
  current_queue: Type.Optional(Type.Integer()),
  assignment_id: Type.Optional(Type.String()),
  queue_position: Type.Optional(Type.Integer()),
  estimated_start_min: Type.Optional(Type.Number()),
  decision_id: Type.Optional(Type.String()),
  request_id: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  pending_reason: Type.Optional(Type.Object({ code: lit(Object.values(PENDING_CODE)), message: Type.String() })),
  estimated_wait_min: Type.Optional(Type.Number({ minimum: 0 })),
  replayed: Type.Optional(Type.Boolean()),
})
export const ErrorBodySchema = Type.Object({
  code: lit(Object.values(ERROR_CODE)),
  message: Type.String(),
  retry_after_ms: Type.Optional(Type.Number()),
  path: Type.Optional(Type.String()),
})
export const ErrorReplySchema = Type.Object({ error: ErrorBodySchema })
export const InterviewerStateSchema = Type.Object({
  interviewer_id: Type.Integer(),
  name: Type.String(),
  type: lit(['human', 'ai'] as const),
  languages: Type.Array(Type.String()),
  specializations: Type.Array(Type.String()),
  cost: Type.Number(),
  rating: Type.Number(),
  availability: Availability,
  concurrency: Type.Integer(),
  capacity: Type.Integer(),
  current_queue: Type.Integer(),
  active: Type.Integer(),
  waiting: Type.Integer(),
  node_id: Type.String(),
})
export const StateSnapshotSchema = Type.Object({
  interviewers: Type.Array(InterviewerStateSchema),
  totals: Type.Object({ interviewers: Type.Integer(), online: Type.Integer(), current_queue: Type.Integer(), capacity: Type.Integer() }),
})
export const RouteBatchResultSchema = Type.Object({ results: Type.Array(RouteResultSchema) })
export const HealthReportSchema = Type.Object({
  status: lit(['ok', 'degraded'] as const),
  node_id: Type.String(),
  uptime_s: Type.Number(),
  uws: lit(['native', 'fallback'] as const),
  auth: lit(['jwt', 'open'] as const),
  store: Type.Object({ kind: Type.String(), ok: Type.Boolean(), error: Type.Optional(Type.String()) }),
  bus: Type.Object({ kind: Type.String() }),
})
const factorFields = { topic: Type.Number(), experience: Type.Number(), cost: Type.Number(), load: Type.Number(), fairness: Type.Number(), quality: Type.Number() }
export const WeightsSchema = Type.Object({ version: Type.Integer(), ...factorFields })
const BidSchema = Type.Object({
  interviewer_id: Type.Integer(),
  score: Type.Number(),
  factors: Type.Object(factorFields),
  queue_depth: Type.Integer(),
  estimated_start_min: Type.Number(),
  source: lit(['local', 'remote'] as const),
})
export const DecisionEventSchema = Type.Object({
  type: Type.Literal('decision'),
  decision_id: Type.String(),
  request_id: Nullable(Type.String()),
  user_id: Type.Integer(),
  status: lit(Object.values(ROUTE_STATUS)),
  interviewer_id: Nullable(Type.Integer()),
  score: Nullable(Type.Number()),
  weights_version: Type.Integer(),
  bids: Type.Array(BidSchema),
  skipped_hosts: Type.Array(Type.String()),
  latency_us: Type.Number(),
  node_id: Type.String(),
  at: Type.String({ format: 'date-time' }),
})
export const AssignmentEventSchema = Type.Object({
  type: Type.Literal('assignment'),
  assignment_id: Type.String(),
  interviewer_id: Type.Integer(),
  user_id: Type.Integer(),
  state: AssignmentState,
  previous: Nullable(AssignmentState),
  current_queue: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  score: Type.Optional(Type.Number()),
})
export const HeartbeatEventSchema = Type.Object({
  type: Type.Literal('heartbeat'),
  node_id: Type.String(),
  interviewers: Type.Integer(),
  uptime_s: Type.Number(),
  at: Type.String({ format: 'date-time' }),
})
const Count = Type.Integer({ minimum: 0 })
export const StatsEventSchema = Type.Object({
  type: Type.Literal('stats'),
  node_id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  window_s: Type.Number(),
  throughput: Type.Number(),
  outcomes: Type.Object(Object.fromEntries(Object.values(ROUTE_STATUS).map((s) => [s, Count])) as Record<keyof typeof ROUTE_STATUS, typeof Count>),
  latency_us: Type.Object({ p50: Type.Number(), p99: Type.Number(), max: Type.Number() }),
  offers: Type.Object({ offered: Count, accepted: Count, rejected: Count, expired: Count, accept_ms_p50: Nullable(Type.Number()) }),
  queue: Type.Object({ interviewers: Count, online: Count, current_queue: Count, capacity: Count, held: Count }),
})
export const WeightsVersionSchema = Type.Object({ weights: WeightsSchema, created_by: Type.String(), created_at: Type.String({ format: 'date-time' }) })
const FactorName = lit(['topic', 'experience', 'cost', 'load', 'fairness', 'quality'] as const)
export const DecisionExplanationSchema = Type.Object({
  decision_id: Type.String(),
  interviewer_id: Type.Integer(),
  verdict: lit(['won', 'outscored', 'filtered', 'not_bid', 'no_winner'] as const),
  winner_id: Nullable(Type.Integer()),
  filters: Type.Array(Type.Object({ filter: lit(['language', 'clearance', 'budget'] as const), passed: Type.Boolean(), detail: Type.String() })),
  gap: Nullable(Type.Number()),
  factors: Type.Array(Type.Object({ factor: FactorName, weight: Type.Number(), winner: Type.Number(), this: Type.Number(), weighted_diff: Type.Number() })),
  unknown: Type.Array(Type.String()),
  summary: Type.String(),
})
export const BidAckSchema = Type.Object({ accepted: Type.Boolean(), score: Nullable(Type.Number()) })
export const AuthAckSchema = Type.Object({ sub: Type.String(), role: lit(ROLES), exp: Nullable(Type.Number()) })

/** The reply envelopes and the pushes of the WebSocket. */
export const OkReplySchema = Type.Object({ re: Id, ok: Type.Literal(true), result: Type.Unknown() })
export const ErrorFrameSchema = Type.Object({ re: Nullable(Id), ok: Type.Literal(false), error: ErrorBodySchema })
const Stream = lit(STREAMS)
export const PushSchemas = {
  offer: Type.Object({ type: Type.Literal('offer'), assignment_id: Type.String(), user_id: Type.Integer(), interviewer_id: Type.Integer(), score: Type.Number(), expires_at: Nullable(Type.String()) }),
  bid_request: Type.Object({
    type: Type.Literal('bid_request'),
    bid_id: Type.String(),
    interviewer_id: Type.Integer(),
    request: Type.Unknown({ description: 'the route request being scored (see RouteRequest)' }),
    local_score: Nullable(Type.Number()),
    deadline_ms: Type.Number(),
  }),
  event: Type.Object({ type: Type.Literal('event'), stream: Stream, event: Type.Union([DecisionEventSchema, AssignmentEventSchema, StatsEventSchema]) }),
  events: Type.Object({ type: Type.Literal('events'), stream: Stream, events: Type.Array(Type.Union([DecisionEventSchema, AssignmentEventSchema, StatsEventSchema])) }),
  dropped: Type.Object({ type: Type.Literal('dropped'), count: Type.Integer() }),
} as const

// ---- compile-time: each Static<schema> equals its protocol type ----
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Flat<T> = { [K in keyof T]: T[K] }
type Same<S extends TSchema, T> = Equals<Flat<Static<S>>, Flat<T>>
const matches: [
  Same<typeof RouteResultSchema, RouteResult>,
  Same<typeof ErrorBodySchema, ErrorBody>,
  Same<typeof InterviewerStateSchema, InterviewerState>,
  Same<typeof StateSnapshotSchema, StateSnapshot>,
  Same<typeof HealthReportSchema, HealthReport>,
  Same<typeof DecisionEventSchema, DecisionEvent>,
  Same<typeof AssignmentEventSchema, AssignmentEvent>,
  Same<typeof HeartbeatEventSchema, HeartbeatEvent>,
  Same<typeof BidAckSchema, BidAck>,
  Same<typeof AuthAckSchema, AuthAck>,
  Same<typeof StatsEventSchema, StatsEvent>,
  Same<typeof WeightsVersionSchema, WeightsVersion>,
  Same<typeof DecisionExplanationSchema, DecisionExplanation>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true]
void matches
