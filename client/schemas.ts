// TypeBox schemas for every WebSocket request and HTTP body, compiled once into validators that
// return a typed `invalid` error with the offending path. protocol.ts stays dependency-free; the
// compile-time checks at the bottom keep each schema equal to its hand-written type.
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { AVAILABILITY } from './model.ts'
import { COMPLETE_OUTCOMES, MAX_PUSH_BATCH_MS, STREAMS } from './protocol.ts'
import type { ClientMessage, ClientMessageType, CompleteRequest, ErrorBody, HeldPolicy, RouteRequest, WeightsPatch, WeightsRollback } from './protocol.ts'

const Id = Type.Union([Type.String({ maxLength: 128 }), Type.Integer()])
const Int = (opts: { minimum?: number; maximum?: number } = {}) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, ...opts })
const Str = (maxLength = 128) => Type.String({ minLength: 1, maxLength })
const AssignmentId = Str(128)
const Availability = Type.Union(AVAILABILITY.map((a) => Type.Literal(a)))
const Stream = Type.Union(STREAMS.map((s) => Type.Literal(s)))
/** Largest accepted route budget: far above any interviewer's cost, far below what breaks arithmetic (1e308). */
export const BUDGET_MAX = 1_000_000
/** Longest token an `auth` message may carry (an HS256 JWT with our claims is about 200 characters). */
export const TOKEN_MAX_LENGTH = 4096

/**
 * The bounds of a route request, in one place: the schemas below are built from them, and the
 * gateway (HTTP and WebSocket) and the engine all validate with `checkRouteRequest`.
 */
export const LIMITS = {
  /** Most topics one request may name. */
  topicsMax: 32,
  /** Longest topic (each is non-empty). */
  topicLengthMax: 100,
  /** Longest language (non-empty). */
  languageLengthMax: 64,
  /** Longest request_id (non-empty). */
  requestIdLengthMax: 128,
  /** user_id is a positive safe integer. */
  userIdMin: 1,
  budgetMax: BUDGET_MAX,
  /** sla_min in minutes: at most one week. */
  slaMinMax: 7 * 24 * 60,
  /** priority is an integer in [priorityMin, priorityMax]. */
  priorityMin: -1000,
  priorityMax: 1000,
  /** Most requests in one POST /v1/route/batch. */
  batchMax: 1000,
} as const

const routeFields = {
  user_id: Int({ minimum: LIMITS.userIdMin }),
  topics: Type.Array(Str(LIMITS.topicLengthMax), { maxItems: LIMITS.topicsMax }),
  language: Str(LIMITS.languageLengthMax),
  budget: Type.Number({ minimum: 0, maximum: LIMITS.budgetMax }),
  sensitivity: Type.Boolean(),
  sla_min: Type.Number({ minimum: 0, maximum: LIMITS.slaMinMax }),
  request_id: Type.Optional(Str(LIMITS.requestIdLengthMax)),
  wait: Type.Optional(Type.Boolean()),
  priority: Type.Optional(Type.Integer({ minimum: LIMITS.priorityMin, maximum: LIMITS.priorityMax })),
}

export const RouteRequestSchema = Type.Object(routeFields)
export const RouteBatchSchema = Type.Union([
  Type.Object({ requests: Type.Array(RouteRequestSchema, { minItems: 1, maxItems: LIMITS.batchMax }) }),
  Type.Array(RouteRequestSchema, { minItems: 1, maxItems: LIMITS.batchMax }),
])
// Both ids may come together (assignment_id wins; the Service checks it belongs to interviewer_id).
const interviewEnd = {
  outcome: Type.Optional(Type.Union(COMPLETE_OUTCOMES.map((o) => Type.Literal(o)))),
  rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
  duration_min: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
}
export const CompleteRequestSchema = Type.Union([
  Type.Object({ interviewer_id: Int(), assignment_id: Type.Optional(AssignmentId), ...interviewEnd }),
  Type.Object({ assignment_id: AssignmentId, interviewer_id: Type.Optional(Int()), ...interviewEnd }),
])
const Weight = Type.Number({ minimum: 0, maximum: 100 })
export const HeldPolicySchema = Type.Object({ aging_per_min: Type.Number({ minimum: 0, maximum: 1_000_000 }) }, { additionalProperties: false })
export const WeightsPatchSchema = Type.Object(
  {
    topic: Type.Optional(Weight),
    experience: Type.Optional(Weight),
    cost: Type.Optional(Weight),
    load: Type.Optional(Weight),
    fairness: Type.Optional(Weight),
    quality: Type.Optional(Weight),
  },
  { additionalProperties: false, minProperties: 1 },
)
export const WeightsRollbackSchema = Type.Object({ version: Int({ minimum: 1 }) })

const msg = <T extends string, P extends Record<string, TSchema>>(type: T, props: P) => Type.Object({ id: Id, type: Type.Literal(type), ...props })

/** One schema per message type; the envelope is checked first so errors name the right problem. */
export const MessageSchemas = {
  route: msg('route', routeFields),
  cancel: msg('cancel', { assignment_id: AssignmentId }),
  complete: msg('complete', { assignment_id: Type.Optional(AssignmentId), interviewer_id: Type.Optional(Int()), ...interviewEnd }),
  state: msg('state', { interviewer_id: Type.Optional(Int()) }),
  subscribe: msg('subscribe', { stream: Stream, interviewer_id: Type.Optional(Int()), batch_ms: Type.Optional(Int({ minimum: 0, maximum: MAX_PUSH_BATCH_MS })) }),
  unsubscribe: msg('unsubscribe', { stream: Stream, interviewer_id: Type.Optional(Int()) }),
  availability: msg('availability', { interviewer_id: Int(), availability: Availability, remote_bidding: Type.Optional(Type.Boolean()) }),
  accept: msg('accept', { assignment_id: AssignmentId }),
  reject: msg('reject', { assignment_id: AssignmentId }),
  bid: msg('bid', { bid_id: Str(128), score: Type.Union([Type.Number(), Type.Null()]) }),
  ping: msg('ping', {}),
  auth: msg('auth', { token: Str(TOKEN_MAX_LENGTH) }),
} as const

const Envelope = Type.Object({ id: Id, type: Type.String({ maxLength: 64 }) })

/** A validation failure, shaped as the protocol's error body. */
export interface Invalid extends ErrorBody {
  code: 'invalid'
  path: string
}
export type Checked<T> = { ok: true; value: T } | { ok: false; error: Invalid }

function firstError<T>(check: TypeCheck<TSchema>, value: unknown, what: string): Checked<T> {
  if (check.Check(value)) return { ok: true, value: value as T }
  const e = check.Errors(value).First()
  const path = e?.path || '/'
  return { ok: false, error: { code: 'invalid', path, message: `${what}: ${path} ${e?.message ?? 'is invalid'}` } }
}

function compile<T>(schema: TSchema, what: string): (value: unknown) => Checked<T> {
  const check = TypeCompiler.Compile(schema)
  return (value) => firstError<T>(check, value, what)
}

const envelopeCheck = TypeCompiler.Compile(Envelope)
const messageChecks = new Map<string, (v: unknown) => Checked<ClientMessage>>(Object.entries(MessageSchemas).map(([type, schema]) => [type, compile<ClientMessage>(schema, `${type} message`)]))

export const MESSAGE_TYPES = Object.keys(MessageSchemas) as ClientMessageType[]

/**
 * Validates a decoded WebSocket request. On failure also returns the request id when one could be
 * read, so the error reply can still carry `re`.
 */
export function checkMessage(value: unknown): Checked<ClientMessage> & { id?: string | number } {
  if (!envelopeCheck.Check(value)) {
    const id = readId(value)
    const e = envelopeCheck.Errors(value).First()
    const path = e?.path || '/'
    return { ok: false, id, error: { code: 'invalid', path, message: `message: ${path} ${e?.message ?? 'is invalid'} (every request needs an id and a type)` } }
  }
  const check = messageChecks.get(value.type)
  if (!check) {
    return { ok: false, id: value.id, error: { code: 'invalid', path: '/type', message: `unknown message type ${JSON.stringify(value.type)}; expected one of ${MESSAGE_TYPES.join(', ')}` } }
  }
  const r = check(value)
  return r.ok ? r : { ...r, id: value.id }
}

/** The request id of a decoded value, when it has a readable one. */
export function readId(value: unknown): string | number | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const id = (value as { id?: unknown }).id
  return (typeof id === 'string' && id.length <= 128) || (typeof id === 'number' && Number.isFinite(id)) ? id : undefined
}

const checkRouteShape = compile<RouteRequest>(RouteRequestSchema, 'route request')

/** A route request's shape, then its one cross-field rule: a request held for 0 minutes is never held. */
export function checkRouteRequest(value: unknown): Checked<RouteRequest> {
  const r = checkRouteShape(value)
  if (r.ok && r.value.wait === true && r.value.sla_min <= 0) {
    return { ok: false, error: { code: 'invalid', path: '/sla_min', message: 'route request: /sla_min must be above 0 with wait: true (it is how long the request may be held)' } }
  }
  return r
}

/**
 * The known fields of a checked route request: the schemas let unknown fields through (forward
 * compatibility), but only these are routed, fingerprinted and stored with the decision.
 */
export function routeFieldsOf(r: RouteRequest): RouteRequest {
  const out: RouteRequest = { user_id: r.user_id, topics: r.topics, language: r.language, budget: r.budget, sensitivity: r.sensitivity, sla_min: r.sla_min }
  if (r.request_id !== undefined) out.request_id = r.request_id
  if (r.wait !== undefined) out.wait = r.wait
  if (r.priority !== undefined) out.priority = r.priority
  return out
}
export const checkCompleteRequest = compile<CompleteRequest>(CompleteRequestSchema, 'complete request')
export const checkWeightsPatch = compile<WeightsPatch>(WeightsPatchSchema, 'weights patch')
export const checkWeightsRollback = compile<WeightsRollback>(WeightsRollbackSchema, 'weights rollback')
export const checkHeldPolicy = compile<HeldPolicy>(HeldPolicySchema, 'held policy')
const batchCheck = compile<RouteRequest[] | { requests: RouteRequest[] }>(RouteBatchSchema, 'route batch')
export function checkRouteBatch(value: unknown): Checked<RouteRequest[]> {
  const r = batchCheck(value)
  if (!r.ok) return r
  return { ok: true, value: Array.isArray(r.value) ? r.value : r.value.requests }
}

// ---- compile-time: each Static<schema> equals its hand-written protocol type ----
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type MessageOf<K extends ClientMessageType> = Extract<ClientMessage, { type: K }>
type Flat<T> = { [K in keyof T]: T[K] }
type SchemaMatches = {
  [K in keyof typeof MessageSchemas]: Equals<Flat<Static<(typeof MessageSchemas)[K]>>, Flat<MessageOf<K>>>
}
const schemaMatches: SchemaMatches = {
  route: true,
  cancel: true,
  complete: true,
  state: true,
  subscribe: true,
  unsubscribe: true,
  availability: true,
  accept: true,
  reject: true,
  bid: true,
  ping: true,
  auth: true,
}
const routeMatches: Equals<Flat<Static<typeof RouteRequestSchema>>, Flat<RouteRequest>> = true
const weightsMatches: Equals<Flat<Static<typeof WeightsPatchSchema>>, Flat<WeightsPatch>> = true
void schemaMatches
void routeMatches
const rollbackMatches: Equals<Flat<Static<typeof WeightsRollbackSchema>>, Flat<WeightsRollback>> = true
void weightsMatches
void rollbackMatches
