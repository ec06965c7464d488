// The `/v1/ws` endpoint: authenticate during upgrade, rate-limit each frame before decoding it,
// decode (JSON text / MessagePack binary), validate, dispatch; explicit payload and backpressure limits;
// each session closes at its token's exp (session.ts).
import type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, us_socket_context_t } from 'uWebSockets.js'
import { CLOSE_CODE, HTTP_STATUS, type ErrorBody } from '../../client/protocol.ts'
import { decodeFrame, type Encoding } from '../../client/codec.ts'
import { checkMessage, readId } from '../../client/schemas.ts'
import type { Logger } from '../log.ts'
import type { AuthGate } from './auth-gate.ts'
import { statusLine } from './http.ts'
import { newConn, type Conn, type Writer } from './conn.ts'
import { toErrorBody } from './errors.ts'
import type { GatewayMetrics } from './metrics.ts'
import type { RateLimiter } from './rate-limit.ts'
import type { Sessions } from './session.ts'
import type { Dispatcher } from './ws-dispatch.ts'

/** Consecutive rate-limited frames after which the flood is cut off with CLOSE_CODE.rate_limited. */
const FLOOD_CLOSE_AFTER = 200
/** Limited frames up to this size are still decoded for their id, so the client can correlate the refusal. */
const PEEK_MAX_BYTES = 1024
/**
 * uWS itself reads frames up to this multiple of MAX_PAYLOAD_BYTES. It drops a larger frame at its
 * header with a bare TCP close (the client sees 1006, no close frame): uWS's forceClose sends none
 * and gives the application no hook. Between the two limits the frame reaches us, and we answer
 * `too_large` and close with 1009 as RFC 6455 asks. The price: a connection may buffer up to this
 * multiple of the limit for one frame.
 */
const OVERSIZE_READ_FACTOR = 2
/** RFC 6455 close code "message too big". */
const CLOSE_TOO_BIG = 1009

function peekId(data: ArrayBuffer, isBinary: boolean): string | number | null {
  if (data.byteLength > PEEK_MAX_BYTES) return null
  try {
    return readId(decodeFrame(new Uint8Array(data), isBinary)) ?? null
  } catch {
    return null
  }
}

export interface WsDeps {
  gate: AuthGate
  sessions: Sessions
  /** Frames per verified principal, and upgrades per address. */
  limiter: RateLimiter
  metrics: GatewayMetrics
  writer: Writer
  dispatcher: Dispatcher
  log: Logger
  maxPayload: number
  maxBackpressure: number
  /** Every open connection, so shutdown can close them with CLOSE_CODE.server_shutdown. */
  conns: Set<Conn>
}

export function mountWs(app: TemplatedApp, deps: WsDeps): void {
  const { metrics, writer, limiter } = deps
  function onMessage(conn: Conn, data: ArrayBuffer, isBinary: boolean): void {
    const arrived = performance.now()
    metrics.wsMessages++
    if (conn.closed) return
    if (data.byteLength > deps.maxPayload) {
      metrics.badFrames++
      writer.error(conn, null, { code: 'too_large', message: `frame of ${data.byteLength} bytes exceeds ${deps.maxPayload}` }, isBinary ? 'msgpack' : 'json')
      return writer.close(conn, CLOSE_TOO_BIG, 'frame too large')
    }
    // The session's timer closes it at exp; a frame that beats a late timer is not served either.
    if (deps.sessions.expireIfDue(conn)) return
    // Rate limit before decoding: a flood costs a map lookup per frame, not a parse.
    const wait = limiter.take(conn.principal.key)
    if (wait > 0) {
      metrics.rateLimited++
      if (++conn.limited > FLOOD_CLOSE_AFTER) return writer.close(conn, CLOSE_CODE.rate_limited, 'rate limit flood')
      return writer.error(conn, peekId(data, isBinary), { code: 'rate_limited', message: `rate limit exceeded; retry in ${wait} ms`, retry_after_ms: wait }, isBinary ? 'msgpack' : 'json')
    }
    conn.limited = 0
    const encoding: Encoding = isBinary ? 'msgpack' : 'json'
    let value: unknown
    try {
      value = decodeFrame(new Uint8Array(data), isBinary)
    } catch (err) {
      metrics.badFrames++
      return writer.error(conn, null, toErrorBody(err, deps.log), encoding)
    }
    const checked = checkMessage(value)
    if (!checked.ok) {
      metrics.badFrames++
      return writer.error(conn, checked.id ?? null, checked.error, encoding)
    }
    conn.encoding = encoding
    // A route's decode + validate: from the frame's arrival (limits and rate limit included: cheap).
    if (checked.value.type === 'route') metrics.timings.observe('decode_validate', performance.now() - arrived)
    deps.dispatcher.dispatch(conn, checked.value, encoding, arrived)
  }

  app.ws<Conn>('/v1/ws', {
    maxPayloadLength: deps.maxPayload * OVERSIZE_READ_FACTOR,
    maxBackpressure: deps.maxBackpressure,
    // Replies past maxBackpressure are refused by send(), and Writer closes such a socket itself
    // with CLOSE_CODE.backpressure, so uWS's silent close is off.
    closeOnBackpressureLimit: 0,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    compression: 0,
    upgrade: (res, req, context) => upgrade(res, req, context, deps),
    open: (ws) => {
      const conn = ws.getUserData()
      conn.ws = ws
      deps.conns.add(conn)
      metrics.wsConnections++
      metrics.wsOpen++
      deps.sessions.open(conn)
    },
    message: (ws, data, isBinary) => {
      // A throw must never escape into uWS; a bug in one handler costs one error reply, not the process.
      try {
        onMessage(ws.getUserData(), data, isBinary)
      } catch (err) {
        metrics.errors++
        deps.log.error({ err }, 'WebSocket message handler threw')
        writer.error(ws.getUserData(), null, { code: 'internal', message: 'internal error; see the server log' }, isBinary ? 'msgpack' : 'json')
      }
    },
    drain: (ws) => writer.drained(ws.getUserData()),
    close: (ws: WebSocket<Conn>) => {
      const conn = ws.getUserData()
      conn.closed = true
      conn.ws = null
      metrics.wsOpen--
      deps.conns.delete(conn)
      deps.sessions.closed(conn)
      deps.dispatcher.closed(conn)
    },
  })
}

function upgrade(res: HttpResponse, req: HttpRequest, context: us_socket_context_t, deps: WsDeps): void {
  // Copy everything now: req is invalid after this tick, res after an abort.
  const key = req.getHeader('sec-websocket-key')
  const protocol = req.getHeader('sec-websocket-protocol')
  const extensions = req.getHeader('sec-websocket-extensions')
  const query = new URLSearchParams(req.getQuery() ?? '')
  const authorization = req.getHeader('authorization')
  const encoding: Encoding = query.get('encoding') === 'msgpack' ? 'msgpack' : 'json'
  const peer = Buffer.from(res.getRemoteAddressAsText()).toString()
  let aborted = false
  res.onAborted(() => {
    aborted = true
  })
  const refuse = (error: ErrorBody) => {
    if (aborted) return
    res.cork(() => {
      res.writeStatus(statusLine(HTTP_STATUS[error.code])).writeHeader('content-type', 'application/json')
      if (error.retry_after_ms !== undefined) res.writeHeader('retry-after', String(Math.max(1, Math.ceil(error.retry_after_ms / 1000))))
      res.end(JSON.stringify({ error }))
    })
  }
  // Connection attempts have their own bucket per address, apart from the frames of open sockets.
  const wait = deps.limiter.take(`upgrade:${peer}`)
  if (wait > 0) {
    deps.metrics.rateLimited++
    return refuse({ code: 'rate_limited', message: `rate limit exceeded; retry in ${wait} ms`, retry_after_ms: wait })
  }
  void (async () => {
    try {
      // The header and ?token= follow one rule (auth/jwt.ts credentials): two different tokens are refused.
      const principal = await deps.gate.admit({ authorization, queryTokens: query.getAll('token'), peer }, false)
      if (aborted) return
      res.cork(() => res.upgrade<Conn>(newConn(principal, peer, encoding), key, protocol, extensions, context))
    } catch (err) {
      refuse(toErrorBody(err, deps.log))
    }
  })()
}
