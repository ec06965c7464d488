// k6: WebSocket sessions that each pipeline route requests, started at a ramping arrival rate.
import { check } from 'k6'
import exec from 'k6/execution'
import { Counter, Rate, Trend } from 'k6/metrics'
import type { Options } from 'k6/options'
import ws from 'k6/ws'
import { DEFAULT_MIX, buildRouteRequest, classify, makeRng, requestId, wsRoute, wsUrl } from './lib/builders.ts'
import { BASE_URL, RUN_ID, TOKEN, num } from './lib/env.ts'

const PEAK = num('PEAK_SESSIONS_PER_S', 200)
const PER_SESSION = num('ROUTES_PER_SESSION', 20)
const P99_MS = num('P99_MS', 50)

const rtt = new Trend('route_rtt', true)
const routeErrors = new Rate('route_errors')
const outcomes = new Counter('route_outcomes')

export const options: Options = {
  scenarios: {
    ws_burst: {
      executor: 'ramping-arrival-rate',
      startRate: 10,
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: 2000,
      stages: [
        { duration: '20s', target: PEAK },
        { duration: '40s', target: PEAK },
        { duration: '10s', target: 0 },
      ],
    },
  },
  thresholds: {
    route_rtt: [`p(99)<${P99_MS}`],
    route_errors: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
}

export default function session(): void {
  const vu = exec.vu.idInTest
  const iter = exec.vu.iterationInScenario
  const rng = makeRng(vu * 1_000_003 + iter)
  const sentAt = new Map<number, number>()
  let done = 0
  const res = ws.connect(wsUrl(BASE_URL, TOKEN), null, (socket) => {
    socket.on('open', () => {
      // Pipeline the whole session's requests: a client backend multiplexes many users on one socket.
      for (let i = 0; i < PER_SESSION; i++) {
        sentAt.set(i, Date.now())
        socket.send(JSON.stringify(wsRoute(i, buildRouteRequest(rng, requestId(RUN_ID, `${vu}.${iter}`, i), DEFAULT_MIX))))
      }
    })
    socket.on('message', (data) => {
      const parsed = classify(JSON.parse(data))
      if (parsed === null || !('reply' in parsed)) return
      const { reply } = parsed
      const started = typeof reply.re === 'number' ? sentAt.get(reply.re) : undefined
      if (started !== undefined) rtt.add(Date.now() - started)
      routeErrors.add(!reply.ok)
      outcomes.add(1, { status: reply.ok ? (reply.status ?? 'unknown') : `error:${reply.error_code ?? 'unknown'}` })
      if (++done >= PER_SESSION) socket.close()
    })
    socket.setTimeout(() => socket.close(), 10_000)
  })
  check(res, { 'upgraded (101)': (r) => r !== null && r.status === 101 })
  check(done, { 'every route answered': (n) => n === PER_SESSION })
}
