// The contract documents, generated from the TypeBox schemas: OpenAPI 3.1 for the HTTP API and
// AsyncAPI 3 for the WebSocket messages and the NATS operator subjects. Only the tables below (which
// route, message or subject uses which schema) are written here; every shape comes from a schema.
import type { TSchema } from '@sinclair/typebox'
import { ERROR_CODE, HTTP_STATUS } from './protocol.ts'
import * as R from './replies.ts'
import { CompleteRequestSchema, HeldPolicySchema, MessageSchemas, RouteBatchSchema, RouteRequestSchema, WeightsPatchSchema, WeightsRollbackSchema } from './schemas.ts'

type Json = Record<string, unknown>
/** A schema as plain JSON: TypeBox's symbol keys (Kind, Optional) do not survive stringify. */
const plain = (s: TSchema): Json => JSON.parse(JSON.stringify(s)) as Json
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const anyObject = (description: string): Json => ({ type: 'object', description })

/** Named schemas shared by both documents. */
const SCHEMAS: Record<string, TSchema> = {
  RouteRequest: RouteRequestSchema,
  RouteBatchRequest: RouteBatchSchema,
  CompleteRequest: CompleteRequestSchema,
  WeightsPatch: WeightsPatchSchema,
  WeightsRollback: WeightsRollbackSchema,
  WeightsVersion: R.WeightsVersionSchema,
  DecisionExplanation: R.DecisionExplanationSchema,
  StatsEvent: R.StatsEventSchema,
  HeldPolicy: HeldPolicySchema,
  RouteResult: R.RouteResultSchema,
  RouteBatchResult: R.RouteBatchResultSchema,
  ErrorReply: R.ErrorReplySchema,
  InterviewerState: R.InterviewerStateSchema,
  StateSnapshot: R.StateSnapshotSchema,
  HealthReport: R.HealthReportSchema,
  Weights: R.WeightsSchema,
  DecisionEvent: R.DecisionEventSchema,
  AssignmentEvent: R.AssignmentEventSchema,
  HeartbeatEvent: R.HeartbeatEventSchema,
  BidAck: R.BidAckSchema,
  AuthAck: R.AuthAckSchema,
}
const CancelRequest = { type: 'object', required: ['assignment_id'], properties: { assignment_id: plain(MessageSchemas.cancel.properties.assignment_id) } }

interface Route {
  method: 'get' | 'post' | 'put'
  path: string
  summary: string
  /** false: no token needed. */
  auth?: boolean
  body?: Json
  reply: Json
  /** Set for a non-JSON reply (its content type). */
  text?: string
  query?: string[]
}
const Q_PAGE = ['page', 'limit']
/** The HTTP endpoints of server/gateway/http-routes.ts. */
export const HTTP_ROUTES: Route[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness and store health (503 when degraded)', auth: false, reply: ref('HealthReport') },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', auth: false, reply: { type: 'string' }, text: 'text/plain; version=0.0.4' },
  { method: 'post', path: '/v1/route', summary: 'Route one request to the best interviewer', body: ref('RouteRequest'), reply: ref('RouteResult') },
  { method: 'post', path: '/v1/route/batch', summary: 'Route up to 1000 requests', body: ref('RouteBatchRequest'), reply: ref('RouteBatchResult') },
  {
    method: 'post',
    path: '/v1/complete',
    summary: "Complete an assignment (by id, or the interviewer's oldest)",
    body: ref('CompleteRequest'),
    reply: anyObject('{status:"completed", assignment_id, interviewer_id, current_queue}'),
  },
  { method: 'post', path: '/v1/cancel', summary: 'Cancel an assignment', body: CancelRequest, reply: anyObject('{status:"cancelled", assignment_id, interviewer_id, current_queue}') },
  { method: 'get', path: '/v1/admin/held_policy', summary: 'How held requests wait: the aging rate (operator)', reply: ref('HeldPolicy') },
  { method: 'put', path: '/v1/admin/held_policy', summary: 'Change the aging rate of held requests live, on every node (operator)', body: ref('HeldPolicy'), reply: ref('HeldPolicy') },
  {
    method: 'get',
    path: '/v1/held',
    summary: "This node's held requests, best first (operator)",
    reply: anyObject('{held: [{decision_id, request_id, user_id, language, priority, effective_priority, queued_at, waited_min, sla_min, queue_position, estimated_wait_min}]}'),
  },
  {
    method: 'post',
    path: '/v1/held/cancel',
    summary: 'Cancel a held request by its request_id (a client: only its own)',
    body: { type: 'object', required: ['request_id'], properties: { request_id: { type: 'string', minLength: 1, maxLength: 128 } } },
    reply: anyObject('{status:"cancelled", request_id, decision_id}'),
  },
  { method: 'get', path: '/v1/state', summary: 'Every interviewer queue and totals', reply: ref('StateSnapshot') },
  { method: 'get', path: '/v1/state/{interviewer_id}', summary: "One interviewer's queue", reply: ref('InterviewerState') },
  { method: 'post', path: '/v1/admin/reload', summary: 'Reload users and interviewers from the store (operator)', reply: anyObject('{status:"reloaded", users, interviewers}') },
  { method: 'post', path: '/v1/admin/reset_queues', summary: 'Clear every open assignment (operator)', reply: anyObject('{status:"reset", cleared}') },
  { method: 'get', path: '/v1/admin/weights', summary: 'Current scoring weights (operator)', reply: ref('Weights') },
  { method: 'put', path: '/v1/admin/weights', summary: 'Change some scoring weights (operator)', body: ref('WeightsPatch'), reply: ref('Weights') },
  {
    method: 'get',
    path: '/v1/admin/weights/history',
    summary: 'Saved weights versions, newest first, with who and when (operator)',
    query: ['limit'],
    reply: { type: 'object', properties: { versions: { type: 'array', items: ref('WeightsVersion') } } },
  },
  { method: 'post', path: '/v1/admin/weights/rollback', summary: "A saved version's factors become the next version (operator)", body: ref('WeightsRollback'), reply: ref('Weights') },
  {
    method: 'get',
    path: '/v1/decisions/{decision_id}/explain',
    summary: 'Why an interviewer did or did not win a decision (operator)',
    query: ['interviewer_id'],
    reply: ref('DecisionExplanation'),
  },
  { method: 'get', path: '/v1/users', summary: 'Users, paged (operator)', query: [...Q_PAGE, 'search'], reply: anyObject('{items, total, page, limit}') },
  { method: 'get', path: '/v1/users/{user_id}', summary: 'A user with interview and routing history (operator)', reply: anyObject('the user, history, routing_history, routing_total') },
  { method: 'get', path: '/v1/interviewers', summary: 'Interviewers (operator)', reply: { type: 'object', properties: { interviewers: { type: 'array', items: ref('InterviewerState') } } } },
  {
    method: 'get',
    path: '/v1/decisions',
    summary: 'Routing decisions, paged and filtered (operator)',
    query: [...Q_PAGE, 'user_id', 'interviewer_id', 'outcome', 'from', 'to'],
    reply: anyObject('{items: DecisionEvent-like records, total, page, limit}'),
  },
  { method: 'get', path: '/v1/stats', summary: 'Engine and gateway counters (operator)', reply: anyObject('engine stats plus gateway counters') },
]

export function openApiDocument(version: string): Json {
  const paths: Record<string, Record<string, Json>> = {}
  for (const r of HTTP_ROUTES) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: m[1] === 'decision_id' ? { type: 'string' } : { type: 'integer', minimum: 0 } }))
    for (const q of r.query ?? [])
      params.push({ name: q, in: 'query', required: false, schema: { type: q === 'search' || q === 'outcome' || q === 'from' || q === 'to' ? 'string' : 'integer' } } as never)
    const ok = { description: 'OK', content: { [r.text ?? 'application/json']: { schema: r.reply } } }
    const op: Json = {
      summary: r.summary,
      operationId: `${r.method}${r.path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/\W/g, '')}`,
      responses: { '200': ok, default: { description: `an error: the status for each code is ${JSON.stringify(HTTP_STATUS)}`, content: { 'application/json': { schema: ref('ErrorReply') } } } },
      ...(r.auth === false ? { security: [] } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
    }
    paths[r.path] ??= {}
    paths[r.path][r.method] = op
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Interview router HTTP API', version, description: `Errors are {"error":{code,message,path?,retry_after_ms?}}; codes: ${Object.keys(ERROR_CODE).join(', ')}.` },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { queryToken: [] }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, plain(s)])),
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256 JWT with sub, role, exp; not needed in open local mode' },
        queryToken: { type: 'apiKey', in: 'query', name: 'token' },
      },
    },
  }
}

/** The reply `result` of each WebSocket request type (a schema name, or a description). */
const WS_RESULT: Record<keyof typeof MessageSchemas, string> = {
  route: 'RouteResult',
  cancel: '{status:"cancelled", assignment_id, interviewer_id, current_queue}',
  complete: '{status:"completed", assignment_id, interviewer_id, current_queue}',
  state: 'StateSnapshot, or InterviewerState with interviewer_id',
  subscribe: '{subscribed, interviewer_id}',
  unsubscribe: '{unsubscribed, interviewer_id}',
  availability: 'InterviewerState plus remote_bidding',
  accept: '{status:"accepted", assignment_id}',
  reject: 'RouteResult of the re-offer',
  bid: 'BidAck',
  ping: '{pong:true, at}',
  auth: 'AuthAck',
}
/** Operator subjects on NATS, JSON payloads; `{prefix}` is SUBJECT_PREFIX (default router). */
export const NATS_SUBJECTS = {
  decisions: { address: '{prefix}.decisions', schema: 'DecisionEvent', summary: 'Every routing decision' },
  assignments: { address: '{prefix}.assignments.{interviewer_id}', schema: 'AssignmentEvent', summary: "Lifecycle of an interviewer's assignments" },
  heartbeats: { address: '{prefix}.nodes.{node_id}.heartbeat', schema: 'HeartbeatEvent', summary: "A node's heartbeat" },
} as const

export function asyncApiDocument(version: string): Json {
  const messages: Record<string, Json> = {}
  const schemas: Record<string, Json> = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, plain(s)]))
  for (const [type, s] of Object.entries(MessageSchemas)) {
    messages[`${type}Request`] = { name: type, title: `${type} request`, summary: `reply result: ${WS_RESULT[type as keyof typeof MessageSchemas]}`, payload: plain(s) }
  }
  messages.okReply = { name: 'reply', summary: 'A successful reply: re is the request id', payload: plain(R.OkReplySchema) }
  messages.errorReply = { name: 'error', summary: 'A failed request', payload: plain(R.ErrorFrameSchema) }
  for (const [type, s] of Object.entries(R.PushSchemas)) messages[`${type}Push`] = { name: type, summary: `${type} push (no re)`, payload: plain(s) }
  for (const [name, sub] of Object.entries(NATS_SUBJECTS))
    messages[`${name}Event`] = { name, summary: sub.summary, contentType: 'application/json', payload: { $ref: `#/components/schemas/${sub.schema}` } }

  const msgRefs = (names: string[]) => Object.fromEntries(names.map((n) => [n, { $ref: `#/components/messages/${n}` }]))
  const requests = Object.keys(MessageSchemas).map((t) => `${t}Request`)
  const outgoing = ['okReply', 'errorReply', ...Object.keys(R.PushSchemas).map((t) => `${t}Push`)]
  const channels: Record<string, Json> = {
    ws: {
      address: '/v1/ws',
      title: 'WebSocket',
      description: 'JSON text frames or MessagePack binary frames; every request has id and type.',
      servers: [{ $ref: '#/servers/gateway' }],
      messages: msgRefs([...requests, ...outgoing]),
    },
  }
  const operations: Record<string, Json> = {
    request: {
      action: 'receive',
      channel: { $ref: '#/channels/ws' },
      summary: 'Requests from clients',
      messages: requests.map((n) => ({ $ref: `#/channels/ws/messages/${n}` })),
      reply: { channel: { $ref: '#/channels/ws' }, messages: ['okReply', 'errorReply'].map((n) => ({ $ref: `#/channels/ws/messages/${n}` })) },
    },
    push: { action: 'send', channel: { $ref: '#/channels/ws' }, summary: 'Pushes to clients', messages: Object.keys(R.PushSchemas).map((t) => ({ $ref: `#/channels/ws/messages/${t}Push` })) },
  }
  for (const [name, sub] of Object.entries(NATS_SUBJECTS)) {
    const params = [...sub.address.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
    channels[name] = {
      address: sub.address,
      servers: [{ $ref: '#/servers/nats' }],
      messages: msgRefs([`${name}Event`]),
      parameters: Object.fromEntries(params.map((p) => [p, p === 'prefix' ? { description: 'SUBJECT_PREFIX', default: 'router' } : { description: p }])),
    }
    operations[`publish_${name}`] = { action: 'send', channel: { $ref: `#/channels/${name}` }, summary: sub.summary, messages: [{ $ref: `#/channels/${name}/messages/${name}Event` }] }
  }
  return {
    asyncapi: '3.0.0',
    info: { title: 'Interview router WebSocket and NATS API', version },
    defaultContentType: 'application/json',
    servers: { gateway: { host: 'localhost:8000', protocol: 'ws', description: 'the gateway (PORT)' }, nats: { host: 'localhost:4222', protocol: 'nats', description: 'NATS_URL' } },
    channels,
    operations,
    components: { schemas, messages },
  }
}
