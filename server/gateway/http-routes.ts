// The HTTP endpoints of DESIGN.md section 4, as a table of handlers over the Service.
// Replies keep the Terac demo's shapes: /v1/route answers exactly the RouteResult.
import { checkCompleteRequest, checkHeldPolicy, checkRouteBatch, checkRouteRequest, checkWeightsPatch, checkWeightsRollback, type Checked } from '../../client/schemas.ts'
import { ROUTE_STATUS, type HealthReport, type RouteStatus } from '../../client/protocol.ts'
import type { DecisionQuery } from '../store/types.ts'
import { GatewayError } from './errors.ts'
import type { HttpCtx, HttpRoute } from './http.ts'
import type { Prometheus } from './prometheus.ts'
import type { Service } from './service.ts'

function valid<T>(r: Checked<T>): T {
  if (!r.ok) throw GatewayError.from(r.error)
  return r.value
}

function intParam(raw: string | null | undefined, name: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === null || raw === undefined || raw === '') return def
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new GatewayError('invalid', `${name} must be an integer from ${min} to ${max}`, { path: `/${name}` })
  }
  return n
}

export function httpRoutes(svc: Service, health: () => Promise<HealthReport>, metrics: Prometheus): HttpRoute[] {
  const p = (ctx: HttpCtx) => ctx.principal
  return [
    { method: 'get', path: '/healthz', auth: false, handle: () => health(), status: (r) => ((r as HealthReport).status === 'ok' ? 200 : 503) },
    { method: 'get', path: '/metrics', auth: false, contentType: metrics.contentType, handle: () => metrics.render() },

    {
      method: 'post',
      path: '/v1/route',
      auth: true,
      timed: true,
      handle: (c) => {
        const req = valid(checkRouteRequest(c.body))
        svc.metrics.timings.observe('decode_validate', performance.now() - c.at)
        return svc.route(p(c), req)
      },
    },
    {
      method: 'post',
      path: '/v1/route/batch',
      auth: true,
      handle: async (c) => ({ results: await svc.routeBatch(p(c), valid(checkRouteBatch(c.body))) }),
    },
    { method: 'post', path: '/v1/complete', auth: true, handle: (c) => svc.complete(p(c), valid(checkCompleteRequest(c.body))) },
    {
      method: 'post',
      path: '/v1/cancel',
      auth: true,
      handle: (c) => {
        const id = (c.body as { assignment_id?: unknown } | null)?.assignment_id
        if (typeof id !== 'string' || !id) throw new GatewayError('invalid', 'cancel request: /assignment_id must be a string', { path: '/assignment_id' })
        return svc.cancel(p(c), id)
      },
    },
    { method: 'get', path: '/v1/held', auth: true, handle: (c) => svc.held(p(c)) },
    { method: 'get', path: '/v1/admin/held_policy', auth: true, handle: (c) => svc.heldPolicy(p(c)) },
    { method: 'put', path: '/v1/admin/held_policy', auth: true, handle: (c) => svc.setHeldPolicy(p(c), valid(checkHeldPolicy(c.body))) },
    {
      method: 'post',
      path: '/v1/held/cancel',
      auth: true,
      handle: (c) => {
        const id = (c.body as { request_id?: unknown } | null)?.request_id
        if (typeof id !== 'string' || !id) throw new GatewayError('invalid', 'held cancel request: /request_id must be a string', { path: '/request_id' })
        return svc.cancelHeld(p(c), id)
      },
    },
    { method: 'get', path: '/v1/state', auth: true, handle: (c) => svc.state(p(c)) },
    { method: 'get', path: '/v1/state/:id', auth: true, handle: (c) => svc.stateOf(p(c), intParam(c.params[0], 'interviewer_id', 0)) },

    { method: 'post', path: '/v1/admin/reload', auth: true, handle: async (c) => ({ status: 'reloaded', ...(await svc.reload(p(c))) }) },
    { method: 'post', path: '/v1/admin/reset_queues', auth: true, handle: async (c) => ({ status: 'reset', ...(await svc.resetQueues(p(c))) }) },
    { method: 'get', path: '/v1/admin/weights', auth: true, handle: (c) => svc.weights(p(c)) },
    { method: 'put', path: '/v1/admin/weights', auth: true, handle: (c) => svc.setWeights(p(c), valid(checkWeightsPatch(c.body))) },
    { method: 'get', path: '/v1/admin/weights/history', auth: true, handle: (c) => svc.weightsHistory(p(c), intParam(c.query.get('limit'), 'limit', 50, 1, 500)) },
    { method: 'post', path: '/v1/admin/weights/rollback', auth: true, handle: (c) => svc.rollbackWeights(p(c), valid(checkWeightsRollback(c.body)).version) },
    {
      method: 'get',
      path: '/v1/decisions/:id/explain',
      auth: true,
      handle: (c) => {
        const raw = c.query.get('interviewer_id')
        if (!raw) throw new GatewayError('invalid', 'interviewer_id is required', { path: '/interviewer_id' })
        return svc.explain(p(c), c.params[0], intParam(raw, 'interviewer_id', 0))
      },
    },

    {
      method: 'get',
      path: '/v1/users',
      auth: true,
      handle: (c) => {
        svc.check(p(c), 'read_users')
        const search = c.query.get('search') ?? undefined
        return svc.store.listUsers({ page: intParam(c.query.get('page'), 'page', 1, 1), limit: intParam(c.query.get('limit'), 'limit', 20, 1, 500), search: search || undefined })
      },
    },
    {
      method: 'get',
      path: '/v1/users/:id',
      auth: true,
      handle: async (c) => {
        svc.check(p(c), 'read_users')
        const id = intParam(c.params[0], 'user_id', 0)
        const user = await svc.store.getUser(id)
        if (!user) throw new GatewayError('not_found', `user ${id} not found`)
        // Profile, interview history and routing history (each decision with its request, every bid
        // and factor breakdown, the weights version and the outcome): "why did this go there?".
        const [history, routing] = await Promise.all([svc.store.userHistory(id, 50), svc.store.listDecisions({ user_id: id, limit: 20 })])
        return { ...user, history, routing_history: routing.items, routing_total: routing.total }
      },
    },
    {
      method: 'get',
      path: '/v1/interviewers',
      auth: true,
      handle: async (c) => {
        svc.check(p(c), 'read_interviewers')
        return { interviewers: (await svc.state(p(c))).interviewers }
      },
    },
    {
      method: 'get',
      path: '/v1/decisions',
      auth: true,
      handle: (c) => {
        svc.check(p(c), 'read_decisions')
        return svc.store.listDecisions(decisionQuery(c.query))
      },
    },
    {
      method: 'get',
      path: '/v1/stats',
      auth: true,
      handle: async (c) => {
        svc.check(p(c), 'stats')
        const engine = await svc.engine.stats()
        const m = svc.metrics
        return {
          ...engine,
          gateway: {
            http_requests: m.httpRequests,
            ws_messages: m.wsMessages,
            ws_open: m.wsOpen,
            inflight: m.inflight,
            dropped_pushes: m.droppedPushes,
            rate_limited: m.rateLimited,
            bad_frames: m.badFrames,
          },
        }
      },
    },
  ]
}

function decisionQuery(q: URLSearchParams): DecisionQuery {
  const out: DecisionQuery = { page: intParam(q.get('page'), 'page', 1, 1), limit: intParam(q.get('limit'), 'limit', 50, 1, 500) }
  const user = q.get('user_id')
  const interviewer = q.get('interviewer_id')
  if (user) out.user_id = intParam(user, 'user_id', 0)
  if (interviewer) out.interviewer_id = intParam(interviewer, 'interviewer_id', 0)
  const outcome = q.get('outcome')
  if (outcome) {
    // An own-property check: `in` would accept inherited names such as constructor or toString.
    if (!Object.hasOwn(ROUTE_STATUS, outcome)) throw new GatewayError('invalid', `outcome must be one of ${Object.keys(ROUTE_STATUS).join(', ')}`, { path: '/outcome' })
    out.outcome = outcome as RouteStatus
  }
  for (const k of ['from', 'to'] as const) {
    const v = q.get(k)
    if (v) {
      if (Number.isNaN(Date.parse(v))) throw new GatewayError('invalid', `${k} must be an ISO timestamp`, { path: `/${k}` })
      out[k] = v
    }
  }
  return out
}
