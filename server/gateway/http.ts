// HTTP mechanics on uWebSockets.js: a small route table, admission (auth + rate limit, see
// auth-gate.ts), bounded body reading, JSON replies. Request data is copied synchronously and onAborted set before any await, because
// uWS invalidates the request object after the handler's first tick and the response on abort.
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js'
import { HTTP_STATUS, type ErrorBody } from '../../client/protocol.ts'
import type { Principal } from '../auth/index.ts'
import type { Logger } from '../log.ts'
import type { AuthGate } from './auth-gate.ts'
import { GatewayError, toErrorBody } from './errors.ts'
import type { GatewayMetrics } from './metrics.ts'

export interface HttpCtx {
  principal: Principal
  params: string[]
  query: URLSearchParams
  body: unknown
  /** performance.now() when the body was in, before it was parsed (the decode_validate stage starts here). */
  at: number
}

export interface HttpRoute {
  method: 'get' | 'post' | 'put'
  path: string
  /** false for /healthz and /metrics, which never need a token. */
  auth: boolean
  /** Set for non-JSON replies (Prometheus text); the handler then returns a string. */
  contentType?: string
  /** HTTP status for a successful reply that is not 200 (e.g. 503 for a degraded /healthz). */
  status?: (result: unknown) => number
  handle(ctx: HttpCtx): unknown
  /** A route request: its reply write and whole time go into the route histograms (RouteTimings). */
  timed?: boolean
}

export interface HttpDeps {
  gate: AuthGate
  metrics: GatewayMetrics
  log: Logger
  maxBodyBytes: number
}

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  413: '413 Payload Too Large',
  422: '422 Unprocessable Content',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
  504: '504 Gateway Timeout',
}
export const statusLine = (n: number): string => STATUS_TEXT[n] ?? `${n} Status`

export function mountHttp(app: TemplatedApp, routes: HttpRoute[], deps: HttpDeps): void {
  for (const route of routes) {
    const paramCount = (route.path.match(/:/g) ?? []).length
    app[route.method](route.path, (res, req) => {
      // A throw must never escape into uWS (it would take the process down): answer 500 instead.
      try {
        serve(route, paramCount, res, req, deps)
      } catch (err) {
        deps.metrics.errors++
        deps.log.error({ err }, 'HTTP handler threw')
        try {
          res.cork(() => sendError(res, { code: 'internal', message: 'internal error; see the server log' }))
        } catch {
          /* already answered or aborted */
        }
      }
    })
  }
  app.any('/*', (res, req) => {
    const where = `${req.getMethod().toUpperCase()} ${req.getUrl()}`
    deps.metrics.httpRequests++
    res.cork(() => sendError(res, { code: 'not_found', message: `no endpoint ${where}` }))
  })
}

function serve(route: HttpRoute, paramCount: number, res: HttpResponse, req: HttpRequest, deps: HttpDeps): void {
  const arrived = route.timed ? performance.now() : 0
  deps.metrics.httpRequests++
  const state = { aborted: false, done: false }
  res.onAborted(() => {
    state.aborted = true
  })
  // Everything from req is read now: it is invalid after this tick.
  const params: string[] = []
  for (let i = 0; i < paramCount; i++) params.push(safeDecode(req.getParameter(i)))
  const query = new URLSearchParams(req.getQuery() ?? '')
  const authorization = req.getHeader('authorization')
  const lengthHeader = req.getHeader('content-length')
  const peer = Buffer.from(res.getRemoteAddressAsText()).toString()
  const reply = (status: number, body: string, contentType: string, retryAfterMs?: number) => {
    if (state.aborted || state.done) return
    state.done = true
    res.cork(() => {
      res.writeStatus(statusLine(status)).writeHeader('content-type', contentType)
      if (retryAfterMs !== undefined) res.writeHeader('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))))
      res.end(body)
    })
  }
  /** Encodes and writes a reply; for a route, times the write and the whole route. */
  const answer = (write: () => void) => {
    if (!route.timed) return write()
    const start = performance.now()
    write()
    const end = performance.now()
    deps.metrics.timings.observe('reply_write', end - start)
    deps.metrics.timings.route(arrived, end)
  }
  const fail = (err: unknown) => {
    const body = toErrorBody(err, deps.log)
    if (body.code === 'internal') deps.metrics.errors++
    answer(() => reply(HTTP_STATUS[body.code], JSON.stringify({ error: body }), 'application/json', body.retry_after_ms))
  }

  const wantsBody = route.method !== 'get'
  const declared = lengthHeader ? Number(lengthHeader) : 0
  if (wantsBody && declared > deps.maxBodyBytes) {
    // Close the connection: the client may still be streaming a body we refuse to read.
    state.done = true
    res.cork(() => {
      res.writeStatus(statusLine(413)).writeHeader('content-type', 'application/json')
      res.end(JSON.stringify({ error: { code: 'too_large', message: `body exceeds ${deps.maxBodyBytes} bytes` } }), true)
    })
    return
  }
  const bodyPromise = wantsBody ? readBody(res, deps.maxBodyBytes, state) : Promise.resolve(null)
  void (async () => {
    try {
      // Admission is keyed by the verified principal (or limits the address's failed attempts).
      const principal = route.auth
        ? await deps.gate.admit({ authorization, queryTokens: query.getAll('token'), peer }, true)
        : { sub: 'anonymous', role: 'client' as const, exp: Infinity, key: `ip:${peer}` }
      const raw = await bodyPromise
      const at = route.timed ? performance.now() : 0
      const body = raw === null || raw.length === 0 ? (wantsBody ? {} : null) : parseJson(raw)
      const result = await route.handle({ principal, params, query, body, at })
      const status = route.status ? route.status(result) : 200
      if (route.contentType) reply(status, String(result), route.contentType)
      else answer(() => reply(status, JSON.stringify(result), 'application/json'))
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        if (state.aborted || state.done) return
        state.done = true
        res.cork(() => {
          res.writeStatus(statusLine(413)).writeHeader('content-type', 'application/json')
          res.end(JSON.stringify({ error: { code: 'too_large', message: err.message } }), true)
        })
        return
      }
      fail(err)
    }
  })()
}

class BodyTooLarge extends Error {}

/** Percent-decodes a path parameter; a malformed escape is kept as is (it then fails validation). */
function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

function readBody(res: HttpResponse, max: number, state: { aborted: boolean }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    res.onData((chunk, isLast) => {
      if (over || state.aborted) return
      size += chunk.byteLength
      if (size > max) {
        over = true
        return reject(new BodyTooLarge(`body exceeds ${max} bytes`))
      }
      // uWS reuses the chunk's memory after this callback returns: copy it.
      chunks.push(Buffer.from(new Uint8Array(chunk)))
      if (isLast) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))
    })
  })
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch (err) {
    throw new GatewayError('invalid', `body is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
}

function sendError(res: HttpResponse, body: ErrorBody): void {
  res
    .writeStatus(statusLine(HTTP_STATUS[body.code]))
    .writeHeader('content-type', 'application/json')
    .end(JSON.stringify({ error: body }))
}
