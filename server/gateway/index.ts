// The gateway: one uWebSockets.js app serving the HTTP API and `/v1/ws` over the routing engine.
import uWS from 'uWebSockets.js'
import type { RoutingEngine } from '../../actors/engine.ts'
import { CLOSE_CODE, type HealthReport } from '../../client/protocol.ts'
import type { Config } from '../config.ts'
import { mountDocs } from '../docs/index.ts'
import { mountWeb } from '../web/index.ts'
import type { Logger } from '../log.ts'
import { Authenticator } from '../auth/index.ts'
import { PresenceMonitor } from '../presence/monitor.ts'
import type { RouteTimings } from '../metrics/route-timings.ts'
import { AuthGate } from './auth-gate.ts'
import { Writer, type Conn } from './conn.ts'
import { mountHttp } from './http.ts'
import { httpRoutes } from './http-routes.ts'
import { GatewayMetrics } from './metrics.ts'
import { prometheus } from './prometheus.ts'
import { PushHub } from './pushes.ts'
import { RateLimiter } from './rate-limit.ts'
import { Service, type GatewayStore } from './service.ts'
import { Sessions } from './session.ts'
import { StatsTicker } from './stats-ticker.ts'
import { Dispatcher } from './ws-dispatch.ts'
import { mountWs } from './ws.ts'

export { GatewayMetrics } from './metrics.ts'
export type { GatewayStore } from './service.ts'

/** Which uWS build is loaded: the native addon exports getParts, the JS fallback does not. */
export const UWS_BUILD: 'native' | 'fallback' = typeof (uWS as { getParts?: unknown }).getParts === 'function' ? 'native' : 'fallback'

export interface GatewayOptions {
  config: Config
  engine: RoutingEngine
  store: GatewayStore
  busKind: string
  log: Logger
  /** Route latencies, shared with the engine (which times its own stages); a fresh one if absent. */
  timings?: RouteTimings
}

export interface Gateway {
  readonly metrics: GatewayMetrics
  /** Listens on HOST:PORT (PORT 0 picks a free port); resolves the bound port. */
  listen(): Promise<number>
  /** Stops accepting connections, drains in-flight requests (up to timeoutMs), closes sockets. */
  stop(timeoutMs?: number): Promise<void>
}

export function createGateway(opts: GatewayOptions): Gateway {
  const { config, engine, store, log } = opts
  const started = Date.now()
  const metrics = new GatewayMetrics(opts.timings)
  const auth = new Authenticator(config.JWT_SECRET)
  const limiter = new RateLimiter(config.RATE_LIMIT_RPS, config.RATE_LIMIT_BURST)
  const gate = new AuthGate(auth, limiter, new RateLimiter(config.AUTH_FAIL_RPS, config.AUTH_FAIL_BURST), metrics)
  const svc = new Service({ engine, store, metrics, log, maxInflight: config.MAX_INFLIGHT })
  const writer = new Writer(metrics, config.MAX_BACKPRESSURE_BYTES)
  const hub = new PushHub(engine, svc, writer, config.OFFER_TIMEOUT_S)
  const sessions = new Sessions(gate, writer)
  const ticker = new StatsTicker(engine, hub, config.NODE_ID, log.child({ mod: 'stats' }))
  const presence = new PresenceMonitor({ engine, graceMs: config.PRESENCE_GRACE_S * 1000, nodeId: config.NODE_ID, log: log.child({ mod: 'presence' }), announce: (e) => hub.availability(e) })
  const dispatcher = new Dispatcher(svc, hub, sessions, writer, metrics, log, presence)
  const conns = new Set<Conn>()
  const app = uWS.App()

  const health = async (): Promise<HealthReport> => {
    let storeOk = true
    let error: string | undefined
    try {
      await store.ping()
    } catch (err) {
      storeOk = false
      error = (err as Error).message
    }
    return {
      status: storeOk ? 'ok' : 'degraded',
      node_id: config.NODE_ID,
      uptime_s: Math.round((Date.now() - started) / 1000),
      uws: UWS_BUILD,
      auth: auth.open ? 'open' : 'jwt',
      store: { kind: store.kind, ok: storeOk, ...(error ? { error } : {}) },
      bus: { kind: opts.busKind },
    }
  }

  mountWs(app, { gate, sessions, limiter, metrics, writer, dispatcher, log, maxPayload: config.MAX_PAYLOAD_BYTES, maxBackpressure: config.MAX_BACKPRESSURE_BYTES, conns })
  mountDocs(app)
  mountWeb(app, auth.open ? 'open' : 'jwt')
  const metricsText = prometheus({ gateway: metrics, engine: () => engine.stats(), storeBusySeconds: () => store.threadBusySeconds() })
  mountHttp(app, httpRoutes(svc, health, metricsText), { gate, metrics, log, maxBodyBytes: config.MAX_PAYLOAD_BYTES })
  const sweeper = setInterval(() => gate.sweep(), 10_000)
  sweeper.unref()
  let listenSocket: uWS.us_listen_socket | null = null

  return {
    metrics,
    listen: () =>
      new Promise((resolve, reject) => {
        app.listen(config.HOST, config.PORT, (socket) => {
          if (!socket) return reject(new Error(`cannot listen on ${config.HOST}:${config.PORT} (port in use or host not local?)`))
          listenSocket = socket
          resolve(uWS.us_socket_local_port(socket as unknown as uWS.us_socket))
        })
      }),
    async stop(timeoutMs = 10_000) {
      if (listenSocket) {
        uWS.us_listen_socket_close(listenSocket)
        listenSocket = null
      }
      await svc.drain(timeoutMs)
      for (const conn of conns) writer.close(conn, CLOSE_CODE.server_shutdown, 'server shutting down')
      clearInterval(sweeper)
      presence.stop()
      ticker.dispose()
      hub.dispose()
      svc.dispose()
    },
  }
}
